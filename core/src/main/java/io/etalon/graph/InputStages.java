package io.etalon.graph;

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

/**
 * How a model that expects something else sees the user's {@code CxHxW} images with values in 0..1: a pixel scale, a
 * mean/std normalisation, grey images for three-channel models, and the layout of models that do not take
 * channels-first images (channels last, {@code HxWxC}, as Keras and tf2onnx write them; {@code HxW}; or a flat square
 * image). Each is folded into the network as a first stage, an affine map, so that etalons and {@code <W, X> + b} hold
 * on the image the user gives and have its shape.
 *
 * <p>The command line and the library ({@code io.etalon.api.Etalons}) both adapt models here. Messages name the
 * command-line options ({@code --mean}, {@code --std}, {@code --pixel-scale}, {@code --layout}), which the library's
 * arguments mirror.
 */
public final class InputStages {

    private InputStages() {
    }

    /**
     * The network seen from images of {@code imageChannels} channels.
     *
     * @param network       not modified; the model as imported
     * @param imageChannels channels of the images that will be given: 1 makes a three-channel model take grey images
     *                      (replicated to R, G and B inside the network), else the model's own count
     * @param pixelScale    what the model calls a white pixel (1 or 255); images give 1
     * @param mean          per-channel mean the model subtracts, in its units: null or empty (none), 1 or C values
     * @param std           per-channel standard deviation it divides by: null or empty (none), 1 or C values
     * @param layout        {@code auto}, {@code channels-first} or {@code channels-last}; null means auto
     * @return a network taking {@link #channelsFirst(Shape, String) channels-first} images of {@code imageChannels}
     *         channels (or {@code network} itself when nothing changes); cost: one op per stage, no copy of the weights
     * @throws IllegalArgumentException naming the option, for a pixel scale that is not positive, a std of 0, a mean or
     *                                  std whose length is neither 1 nor C, or an unknown layout
     */
    public static Network fold(Network network, int imageChannels, double pixelScale, float[] mean, float[] std,
                               String layout) {
        if (!(pixelScale > 0) || Double.isInfinite(pixelScale)) {
            throw new IllegalArgumentException("--pixel-scale must be a positive number, got " + pixelScale);
        }
        // grey-to-RGB and normalisation work on channels-first images; the layout step comes last
        boolean channelsLast = channelsLast(network.inputShape(), layout);
        Shape modelInput = channelsFirst(network.inputShape(), layout);
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
        Shape layoutShape = network.inputShape();
        if (channelsLast) {
            names.add("input.channels-last");
            stages.add(new Transpose(modelInput, new int[] {1, 2, 0}));
        } else if (!modelInput.equals(layoutShape)) {
            names.add("input.layout");
            stages.add(new Reshape(modelInput, layoutShape));
        }
        return network.withInputStages(current, names, stages);
    }

    /**
     * The image shape {@code CxHxW} behind a model's input shape: the shape itself for channels-first models; for a
     * channels-last {@code HxWxC} input its transpose (guessed by {@code auto} when C is at most 4 and smaller than H
     * and W); {@code 1xHxW} for an {@code HxW} input and {@code 1xSxS} for a flat input of S*S values.
     *
     * @param layout {@code auto}, {@code channels-first} or {@code channels-last}; null means auto
     * @throws IllegalArgumentException for an unknown layout, or channels-last on an input that is not of three axes
     */
    public static Shape channelsFirst(Shape input, String layout) {
        if (channelsLast(input, layout)) {
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

    private static boolean channelsLast(Shape input, String layout) {
        return switch (layout == null ? "auto" : layout) {
            case "auto" -> input.rank() == 3 && input.dim(2) <= 4 && input.dim(2) < Math.min(input.dim(0), input.dim(1));
            case "channels-first" -> false;
            case "channels-last" -> {
                if (input.rank() != 3) {
                    throw new IllegalArgumentException("--layout channels-last needs a model input of three axes (HxWxC);"
                            + " this model takes " + input + "; leave --layout at auto");
                }
                yield true;
            }
            default -> throw new IllegalArgumentException("--layout must be auto, channels-first or channels-last, got '"
                    + layout + "'");
        };
    }

    private static float pick(float[] values, int c, int channels, float fallback, String option) {
        if (values == null || values.length == 0) {
            return fallback;
        }
        if (values.length != 1 && values.length != channels) {
            throw new IllegalArgumentException(option + " has " + values.length + " values; the model has " + channels
                    + " channels, so give 1 or " + channels);
        }
        return values[values.length == 1 ? 0 : c];
    }
}
