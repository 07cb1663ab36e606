package io.etalon.cli;

import io.etalon.graph.Network;
import io.etalon.op.ChannelAffine;
import io.etalon.op.Concat;
import io.etalon.op.Op;
import io.etalon.op.Reshape;
import io.etalon.op.Transpose;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How the user's pixels reach a model that expects something else: a pixel scale, a mean/std normalisation, grey
 * images for three-channel models, and the layout of models that do not take channels-first {@code CxHxW} images
 * (channels last, {@code HxWxC}, as Keras and tf2onnx write them; {@code HxW}; or a flat square image). Each is folded
 * into the network as a first step, so that etalons and {@code <W, X> + b} hold on the {@code CxHxW} image the user
 * gives and its pictures look right.
 */
final class InputOptions {

    @Option(names = "--output", description = "The graph output to explain, for models with several (default: the first).")
    String output;

    @Option(names = "--pixel-scale", defaultValue = "1",
            description = "What the model calls a white pixel: 1 (pixels in 0..1) or 255 (default: ${DEFAULT-VALUE}).")
    double pixelScale;

    @Option(names = "--mean", split = ",", description = "Per-channel mean the model subtracts, e.g. 0.485,0.456,0.406.")
    List<Float> mean;

    @Option(names = "--std", split = ",", description = "Per-channel standard deviation the model divides by.")
    List<Float> std;

    /** The network seen from the user's images of {@code imageChannels} channels. */
    Network adapt(Network network, int imageChannels) {
        if (!(pixelScale > 0)) {
            throw new IllegalArgumentException("--pixel-scale must be positive, got " + pixelScale);
        }
        // grey-to-RGB and normalisation work on channels-first images; the layout step comes last
        Shape modelInput = channelsFirst(network.inputShape());
        List<String> names = new ArrayList<>();
        List<Op> stages = new ArrayList<>();
        Shape current = modelInput;
        if (modelInput.rank() == 3 && imageChannels == 1 && modelInput.dim(0) == 3) {
            Shape grey = Shape.of(1, modelInput.dim(1), modelInput.dim(2));
            names.add("input.grey-to-rgb");
            stages.add(new Concat(Collections.nCopies(3, grey)));
            current = grey;
        }
        int channels = modelInput.dim(0);
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        boolean identity = pixelScale == 1;
        for (int c = 0; c < channels; c++) {
            float m = pick(mean, c, channels, 0f, "--mean");
            float s = pick(std, c, channels, 1f, "--std");
            if (s == 0) {
                throw new IllegalArgumentException("--std must not contain 0");
            }
            scale[c] = (float) (pixelScale / s);
            shift[c] = -m / s;
            identity &= m == 0 && s == 1;
        }
        if (!identity) {
            names.add("input.normalize");
            stages.add(new ChannelAffine(modelInput, new Tensor(Shape.of(channels), scale), new Tensor(Shape.of(channels), shift)));
        }
        if (!modelInput.equals(network.inputShape())) {
            Shape layout = network.inputShape();
            names.add(layout.rank() == 3 ? "input.channels-last" : "input.layout");
            stages.add(layout.rank() == 3 ? new Transpose(modelInput, new int[] {1, 2, 0}) : new Reshape(modelInput, layout));
        }
        return network.withInputStages(current, names, stages);
    }

    /**
     * The image shape {@code CxHxW} behind a model's input shape: the shape itself for channels-first models; for a
     * channels-last {@code HxWxC} input (C of at most 4, smaller than H and W) its transpose; {@code 1xHxW} for an
     * {@code HxW} input and {@code 1xSxS} for a flat input of S*S values.
     */
    static Shape channelsFirst(Shape input) {
        if (input.rank() == 3 && input.dim(2) <= 4 && input.dim(2) < Math.min(input.dim(0), input.dim(1))) {
            return Shape.of(input.dim(2), input.dim(0), input.dim(1));
        }
        if (input.rank() == 2) {
            return Shape.of(1, input.dim(0), input.dim(1));
        }
        int side = (int) Math.round(Math.sqrt(input.size()));
        if (input.rank() == 1 && side * side == input.size()) {
            return Shape.of(1, side, side);
        }
        return input;
    }

    private static float pick(List<Float> values, int c, int channels, float fallback, String option) {
        if (values == null || values.isEmpty()) {
            return fallback;
        }
        if (values.size() != 1 && values.size() != channels) {
            throw new IllegalArgumentException(option + " has " + values.size() + " values; the model has " + channels
                    + " channels, so give 1 or " + channels);
        }
        return values.get(values.size() == 1 ? 0 : c);
    }
}
