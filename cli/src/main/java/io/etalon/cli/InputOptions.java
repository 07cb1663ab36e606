package io.etalon.cli;

import io.etalon.data.DataFormatException;
import io.etalon.data.Preprocessing;
import io.etalon.graph.InputStages;
import io.etalon.graph.Network;
import io.etalon.onnx.LoadedModel;
import io.etalon.tensor.Shape;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * How the user's pixels reach a model that expects something else: a pixel scale, a mean/std normalisation, grey
 * images for three-channel models, and the layout of models that do not take channels-first {@code CxHxW} images
 * (channels last, {@code HxWxC}, as Keras and tf2onnx write them; {@code HxW}; or a flat square image). Each is folded
 * into the network as a first step, so that etalons and {@code <W, X> + b} hold on the {@code CxHxW} image the user
 * gives and its pictures look right.
 *
 * <p>Where the user gives no option, the model's own statement in its metadata is used (and the user is told): Windows
 * ML's {@code Image.NominalPixelRange} ({@code NominalRange_0_255}, {@code Normalized_0_1}, {@code Normalized_1_1},
 * {@code NominalRange_16_235}) or the keys {@code pixel_scale}, {@code mean} and {@code std} (comma-separated, in the
 * model's units, as the options take them). Otherwise pixels are 0..1, not normalised, and the layout is guessed.
 */
final class InputOptions {

    /** Windows ML's metadata key for the range of a model's input pixels. */
    static final String NOMINAL_PIXEL_RANGE = "Image.NominalPixelRange";

    @Option(names = "--output", description = "The graph output to explain, for models with several (default: the first).")
    String output;

    @Option(names = "--dequantize",
            description = "Load a quantized model (QDQ or QLinear int8) as the float network it approximates.")
    boolean dequantize;

    @Option(names = "--pixel-scale",
            description = "What the model calls a white pixel: 1 (pixels in 0..1) or 255 (default: the model's metadata, else 1).")
    Double pixelScale;

    @Option(names = "--mean", split = ",", description = "Per-channel mean the model subtracts, e.g. 0.485,0.456,0.406.")
    List<Float> mean;

    @Option(names = "--std", split = ",", description = "Per-channel standard deviation the model divides by.")
    List<Float> std;

    @Option(names = "--preprocess",
            description = "Photos as the model was trained: imagenet (resize 256, crop 224, ImageNet mean/std), cifar10 or"
                    + " mnist (mean/std only) (default: the model's metadata key 'preprocess', else none).")
    String preprocess;

    @Option(names = "--resize", description = "Resize photos so that their shorter side is N pixels, bilinear with"
            + " antialiasing as PIL and torchvision do (default: the preset's, else the model's metadata, else none).")
    Integer resize;

    @Option(names = "--crop", description = "Then take the centre N or HxW pixels, as torchvision's CenterCrop (default:"
            + " the preset's, else the model's metadata, else none).")
    String crop;

    @Option(names = "--input-size", description = "HxW: the image size for a model whose input size is free (named"
            + " dimensions in the ONNX file).")
    String inputSize;

    @Option(names = "--layout", defaultValue = "auto",
            description = "The model input's layout: auto, channels-first (CxHxW) or channels-last (HxWxC) (default: ${DEFAULT-VALUE}).")
    String layout;

    /** What {@link #preprocessing()} resolved to, set by {@link #loadForPhotos}. */
    private Preprocessing preprocessing;

    /** Loads a model for a command, tells the user what the import changed, and adapts it to grey images. */
    Network load(Path file, PrintWriter err) throws IOException {
        LoadedModel model = Models.loadModel(file, output, fixedInputSize(), dequantize, err);
        fromMetadata(model.metadata(), err);
        return adapt(model.network(), 1);
    }

    /**
     * Loads a model for photos: the network takes {@code CxHxW} images of the model's own channel count (colour stays
     * colour; a grey photo is replicated to three channels by {@link io.etalon.data.Photo#asChannels}), with the
     * normalisation of {@code --preprocess}, {@code --mean}/{@code --std} or the model's metadata folded in.
     *
     * @throws DataFormatException if the model takes other than 1 or 3 channels
     */
    Network loadForPhotos(Path file, PrintWriter err) throws IOException {
        LoadedModel model = Models.loadModel(file, output, fixedInputSize(), dequantize, err);
        Map<String, String> metadata = model.metadata();
        String presetName = preprocess != null ? preprocess : metadata.get("preprocess");
        Preprocessing chosen = presetName == null ? Preprocessing.NONE : Preprocessing.preset(presetName.trim());
        if (preprocess == null && presetName != null) {
            err.println("etalon: note: photos preprocessed as the model's metadata states (preprocess = " + presetName
                    + "); --preprocess, --resize and --crop override it");
        }
        // the user's preset states the model's normalisation; --mean/--std still override it, metadata fills gaps
        if (chosen.mean().length > 0 && mean == null && std == null) {
            mean = floats(chosen.mean());
            std = floats(chosen.std());
        }
        fromMetadata(metadata, err);
        int side = resize != null ? resize : metadata.containsKey("resize")
                ? metadataFloats("resize", metadata.get("resize")).get(0).intValue() : chosen.resize();
        int[] cropSize = crop != null ? size(crop, "--crop") : metadata.containsKey("crop")
                ? size(metadata.get("crop"), "the model's metadata 'crop'") : new int[] {chosen.cropHeight(), chosen.cropWidth()};
        boolean custom = resize != null || crop != null || (preprocess == null && presetName == null
                && (metadata.containsKey("resize") || metadata.containsKey("crop")));
        Shape image = channelsFirst(model.network().inputShape(), layout);
        int channels = image.rank() == 3 ? image.dim(0) : 0;
        if (channels != 1 && channels != 3) {
            throw new DataFormatException(file + ": the model takes images of shape " + image + "; Etalon reads 1- or"
                    + " 3-channel images; give a model whose input is [1 or 3, H, W]");
        }
        // adapt checks --mean and --std against the model's channels first, with the message users know
        Network network = adapt(model.network(), channels);
        preprocessing = new Preprocessing(custom && chosen == Preprocessing.NONE ? "custom" : chosen.name(), side,
                cropSize[0], cropSize[1], mean == null ? new float[0] : toArray(mean), std == null ? new float[0] : toArray(std));
        return network;
    }

    /** How photos become X, resolved by {@link #loadForPhotos}: the options, else the preset, else the metadata. */
    Preprocessing preprocessing() {
        if (preprocessing == null) {
            throw new IllegalStateException("loadForPhotos must come first");
        }
        return preprocessing;
    }

    private int[] fixedInputSize() {
        return inputSize == null ? null : size(inputSize, "--input-size");
    }

    /** {@code N} or {@code HxW} as {@code {H, W}}. */
    static int[] size(String text, String option) {
        String[] parts = text.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (parts.length == 1) {
                int n = Integer.parseInt(parts[0].trim());
                return new int[] {n, n};
            }
            if (parts.length == 2) {
                return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException(option + " must be N or HxW (e.g. 224 or 224x224), got '" + text + "'");
    }

    private static List<Float> floats(float[] values) {
        List<Float> list = new ArrayList<>();
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    private static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    /** Takes the pixel scale, mean and std the model states in its metadata, for each the user did not give. */
    void fromMetadata(Map<String, String> metadata, PrintWriter err) {
        String range = metadata.get(NOMINAL_PIXEL_RANGE);
        if (range != null && pixelScale == null && mean == null && std == null) {
            switch (range.trim()) {
                case "NominalRange_0_255" -> pixelScale = 255.0;
                case "Normalized_0_1" -> pixelScale = 1.0;
                case "Normalized_1_1" -> {
                    pixelScale = 1.0;
                    mean = List.of(0.5f);
                    std = List.of(0.5f);
                }
                case "NominalRange_16_235" -> {
                    pixelScale = 219.0;
                    mean = List.of(-16f);
                }
                default -> throw new IllegalArgumentException("the model's metadata " + NOMINAL_PIXEL_RANGE + " is '" + range
                        + "', which Etalon does not know; give --pixel-scale, --mean and --std instead");
            }
            err.println("etalon: note: input pixels as the model's metadata states (" + NOMINAL_PIXEL_RANGE + " = " + range
                    + "); --pixel-scale, --mean and --std override it");
            return;
        }
        List<String> used = new ArrayList<>();
        String scale = metadata.get("pixel_scale");
        if (scale != null && pixelScale == null) {
            pixelScale = (double) metadataFloats("pixel_scale", scale).get(0);
            used.add("pixel_scale = " + scale);
        }
        if (metadata.get("mean") != null && mean == null) {
            mean = metadataFloats("mean", metadata.get("mean"));
            used.add("mean = " + metadata.get("mean"));
        }
        if (metadata.get("std") != null && std == null) {
            std = metadataFloats("std", metadata.get("std"));
            used.add("std = " + metadata.get("std"));
        }
        if (!used.isEmpty()) {
            err.println("etalon: note: input normalisation from the model's metadata (" + String.join(", ", used)
                    + "); --pixel-scale, --mean and --std override it");
        }
    }

    private static List<Float> metadataFloats(String key, String value) {
        List<Float> values = new ArrayList<>();
        try {
            for (String part : value.split(",")) {
                float v = Float.parseFloat(part.trim());
                if (!Float.isFinite(v)) {
                    throw new NumberFormatException();
                }
                values.add(v);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the model's metadata '" + key + "' is '" + value + "', not a comma-separated"
                    + " list of numbers; give --" + key.replace('_', '-') + " instead");
        }
        return values;
    }

    /** The network seen from the user's images of {@code imageChannels} channels ({@link InputStages#fold}). */
    Network adapt(Network network, int imageChannels) {
        return InputStages.fold(network, imageChannels, pixelScale == null ? 1 : pixelScale,
                mean == null ? null : toArray(mean), std == null ? null : toArray(std), layout);
    }

    /** {@link #channelsFirst(Shape, String)} with the layout guessed. */
    static Shape channelsFirst(Shape input) {
        return channelsFirst(input, "auto");
    }

    /** The image shape {@code CxHxW} behind a model's input shape ({@link InputStages#channelsFirst}). */
    static Shape channelsFirst(Shape input, String layout) {
        return InputStages.channelsFirst(input, layout);
    }
}
