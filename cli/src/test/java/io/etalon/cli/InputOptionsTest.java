package io.etalon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import io.etalon.op.Dense;
import io.etalon.op.Flatten;
import io.etalon.op.Relu;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
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
        options.pixelScale = 1.0;
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
        options.pixelScale = 1.0;
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

    @Test
    void theModelsStatedPixelRangeIsUsedUnlessTheUserGivesOne() {
        Network model = denseOn(Shape.of(1, 6, 6), 11);
        float[] image = new float[36];
        for (int i = 0; i < 36; i++) {
            image[i] = (i % 5) / 4f;
        }
        float[] as255 = new float[36];
        float[] asPlusMinusOne = new float[36];
        for (int i = 0; i < 36; i++) {
            as255[i] = image[i] * 255;
            asPlusMinusOne[i] = 2 * image[i] - 1;
        }
        StringWriter notes = new StringWriter();
        InputOptions stated = new InputOptions();
        Network statedModel = stated.resolve(Map.of("Image.NominalPixelRange", "NominalRange_0_255"),
                new PrintWriter(notes, true)).fold(model, 1, "auto");
        assertClose(statedModel.forward(image, 1).output(0), model.forward(as255, 1).output(0));
        assertThat(notes.toString()).contains("Image.NominalPixelRange = NominalRange_0_255").contains("override");

        Network minusOneToOne = new InputOptions().resolve(Map.of("Image.NominalPixelRange", "Normalized_1_1"),
                new PrintWriter(new StringWriter())).fold(model, 1, "auto");
        assertClose(minusOneToOne.forward(image, 1).output(0), model.forward(asPlusMinusOne, 1).output(0));

        Network keys = new InputOptions().resolve(Map.of("pixel_scale", "255", "mean", "127.5", "std", "127.5"),
                new PrintWriter(new StringWriter())).fold(model, 1, "auto");
        assertClose(keys.forward(image, 1).output(0), model.forward(asPlusMinusOne, 1).output(0));

        InputOptions given = new InputOptions();
        given.pixelScale = 1.0;
        StringWriter none = new StringWriter();
        Network givenModel = given.resolve(Map.of("Image.NominalPixelRange", "NominalRange_0_255"),
                new PrintWriter(none, true)).fold(model, 1, "auto");
        assertThat(givenModel.forward(image, 1).output(0)).containsExactly(model.forward(image, 1).output(0));
        assertThat(none.toString()).isEmpty();
    }

    @Test
    void unreadableMetadataNamesTheKeyAndTheOptionThatReplacesIt() {
        PrintWriter quiet = new PrintWriter(new StringWriter());
        assertThatThrownBy(() -> new InputOptions().resolve(Map.of("Image.NominalPixelRange", "Bgr8"), quiet))
                .hasMessageContaining("Image.NominalPixelRange is 'Bgr8'").hasMessageContaining("give --pixel-scale");
        assertThatThrownBy(() -> new InputOptions().resolve(Map.of("mean", "0.5,zero"), quiet))
                .hasMessageContaining("metadata 'mean' is '0.5,zero'").hasMessageContaining("give --mean instead");
    }

    @Test
    void layoutOptionDecidesWhereTheGuessCannot() {
        // 4x4x4: channels could be first or last; the guess keeps the shape, --layout channels-last transposes
        Shape cube = Shape.of(4, 4, 4);
        Network model = denseOn(cube, 5);
        float[] chw = new float[64];
        for (int i = 0; i < 64; i++) {
            chw[i] = i / 64f;
        }
        InputOptions guessed = new InputOptions();
        assertThat(guessed.adapt(model, 4).forward(chw, 1).output(0)).containsExactly(model.forward(chw, 1).output(0));
        InputOptions last = new InputOptions();
        last.layout = "channels-last";
        assertThat(last.adapt(model, 4).forward(chw, 1).output(0)).containsExactly(model.forward(channelsLast(chw, 4, 4, 4), 1).output(0));
        // 28x28x1 is guessed channels-last; channels-first keeps it as 28 channels of 28x1
        assertThat(InputOptions.channelsFirst(Shape.of(28, 28, 1), "channels-first")).isEqualTo(Shape.of(28, 28, 1));
        assertThatThrownBy(() -> InputOptions.channelsFirst(Shape.of(784), "channels-last"))
                .hasMessageContaining("--layout channels-last needs a model input of three axes");
        assertThatThrownBy(() -> InputOptions.channelsFirst(Shape.of(3, 8, 8), "nhwc"))
                .hasMessageContaining("--layout must be auto, channels-first or channels-last, got 'nhwc'");
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("output %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f * (1 + Math.abs(expected[i]))));
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
