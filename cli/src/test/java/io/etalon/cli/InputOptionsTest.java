package io.etalon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import io.etalon.op.Dense;
import io.etalon.op.Flatten;
import io.etalon.op.Relu;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The first steps that bring the user's channels-first images to models that expect another layout. */
class InputOptionsTest {

    @Test
    void imageShapesBehindModelInputs() {
        assertThat(InputOptions.channelsFirst(Shape.of(1, 28, 28))).isEqualTo(Shape.of(1, 28, 28));
        assertThat(InputOptions.channelsFirst(Shape.of(3, 32, 32))).isEqualTo(Shape.of(3, 32, 32));
        assertThat(InputOptions.channelsFirst(Shape.of(28, 28, 1))).isEqualTo(Shape.of(1, 28, 28));
        assertThat(InputOptions.channelsFirst(Shape.of(32, 24, 3))).isEqualTo(Shape.of(3, 32, 24));
        assertThat(InputOptions.channelsFirst(Shape.of(28, 28))).isEqualTo(Shape.of(1, 28, 28));
        assertThat(InputOptions.channelsFirst(Shape.of(784))).isEqualTo(Shape.of(1, 28, 28));
        assertThat(InputOptions.channelsFirst(Shape.of(10))).isEqualTo(Shape.of(10));
        assertThat(InputOptions.channelsFirst(Shape.of(2, 2, 2))).isEqualTo(Shape.of(2, 2, 2));
    }

    @Test
    void channelsLastModelSeesTheTransposedImageAndGreyBecomesRgb() {
        // an HxWxC = 5x4x3 model: a dense layer on its flattened input, so every pixel's place matters
        Network model = denseOn(Shape.of(5, 4, 3), 7);
        InputOptions options = new InputOptions();
        options.pixelScale = 1;
        SplittableRandom random = new SplittableRandom(3);
        float[] rgb = new float[3 * 5 * 4];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (float) random.nextDouble();
        }
        Network adapted = options.adapt(model, 3);
        assertThat(adapted.inputShape()).isEqualTo(Shape.of(3, 5, 4));
        assertThat(adapted.forward(rgb, 1).output(0)).containsExactly(model.forward(channelsLast(rgb, 3, 5, 4), 1).output(0));

        float[] grey = java.util.Arrays.copyOf(rgb, 20);
        float[] greyAsRgb = new float[60];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(grey, 0, greyAsRgb, c * 20, 20);
        }
        Network fromGrey = options.adapt(model, 1);
        assertThat(fromGrey.inputShape()).isEqualTo(Shape.of(1, 5, 4));
        assertThat(fromGrey.forward(grey, 1).output(0)).containsExactly(model.forward(channelsLast(greyAsRgb, 3, 5, 4), 1).output(0));
    }

    @Test
    void flatAndTwoAxisModelsTakeGreyImages() {
        InputOptions options = new InputOptions();
        options.pixelScale = 1;
        for (Shape input : new Shape[] {Shape.of(36), Shape.of(6, 6)}) {
            Network model = denseOn(input, 2);
            Network adapted = options.adapt(model, 1);
            assertThat(adapted.inputShape()).isEqualTo(Shape.of(1, 6, 6));
            float[] image = new float[36];
            for (int i = 0; i < 36; i++) {
                image[i] = i / 36f;
            }
            assertThat(adapted.forward(image, 1).output(0)).containsExactly(model.forward(image, 1).output(0));
        }
    }

    private static float[] channelsLast(float[] chw, int channels, int height, int width) {
        float[] hwc = new float[chw.length];
        for (int c = 0; c < channels; c++) {
            for (int h = 0; h < height; h++) {
                for (int w = 0; w < width; w++) {
                    hwc[(h * width + w) * channels + c] = chw[(c * height + h) * width + w];
                }
            }
        }
        return hwc;
    }

    private static Network denseOn(Shape input, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        LeNet.Chain chain = new LeNet.Chain(input);
        if (input.rank() > 1) {
            chain.add("flatten", new Flatten(chain.shape()));
        }
        float[] weight = new float[4 * input.size()];
        for (int i = 0; i < weight.length; i++) {
            weight[i] = (float) (random.nextDouble() - 0.5);
        }
        chain.add("fc", new Dense(chain.shape(), new Tensor(Shape.of(4, input.size()), weight), null));
        chain.add("relu", new Relu(chain.shape()));
        return chain.build();
    }
}
