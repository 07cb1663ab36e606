package io.etalon.cli;

import io.etalon.data.DataFormatException;
import io.etalon.data.Preprocessing;
import io.etalon.graph.InputStages;
import io.etalon.graph.Network;
import io.etalon.onnx.LoadedModel;
import io.etalon.onnx.ModelInput;
import io.etalon.tensor.Shape;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
 * model's units, as the options take them), and for photos its {@code preprocess}, {@code resize} and {@code crop}.
 * Otherwise pixels are 0..1, not normalised, and the layout is guessed. The rule is {@link ModelInput}'s, which the
 * library's {@code Etalons.load} follows too, so a model gets the same X and network from both.
 */
final class InputOptions {

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

    /**
     * Loads a model for a command, tells the user what the import changed and what was taken from the model's
     * metadata, and adapts it to grey images.
     */
    Network load(Path file, PrintWriter err) throws IOException {
        LoadedModel model = Models.loadModel(file, output, fixedInputSize(), dequantize, err);
        return resolve(model.metadata(), err).fold(model.network(), 1, layout);
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
        ModelInput resolved = resolve(model.metadata(), err);
        Shape image = channelsFirst(model.network().inputShape(), layout);
        int channels = image.rank() == 3 ? image.dim(0) : 0;
        if (channels != 1 && channels != 3) {
            throw new DataFormatException(file + ": the model takes images of shape " + image + "; Etalon reads 1- or"
                    + " 3-channel images; give a model whose input is [1 or 3, H, W]");
        }
        // the fold checks --mean and --std against the model's channels first, with the message users know
        Network network = resolved.fold(model.network(), channels, layout);
        preprocessing = resolved.preprocessing();
        return network;
    }

    /** How photos become X, resolved by {@link #loadForPhotos}: the options, else the preset, else the metadata. */
    Preprocessing preprocessing() {
        if (preprocessing == null) {
            throw new IllegalStateException("loadForPhotos must come first");
        }
        return preprocessing;
    }

    /**
     * The options, completed from the model's metadata by the rule the library uses too ({@link ModelInput}); what
     * was taken from the metadata is told on {@code err}.
     */
    ModelInput resolve(Map<String, String> metadata, PrintWriter err) {
        ModelInput resolved = ModelInput.resolve(metadata, choices());
        for (String note : resolved.notes()) {
            err.println("etalon: note: " + note);
        }
        return resolved;
    }

    /** The options as given, null where not. */
    ModelInput.Choices choices() {
        return new ModelInput.Choices(pixelScale, mean == null ? null : toArray(mean), std == null ? null : toArray(std),
                preprocess == null ? null : Preprocessing.preset(preprocess.trim()), resize,
                crop == null ? null : size(crop, "--crop"));
    }

    private int[] fixedInputSize() {
        return inputSize == null ? null : size(inputSize, "--input-size");
    }

    /** {@code N} or {@code HxW} as {@code {H, W}} ({@link ModelInput#size}). */
    static int[] size(String text, String option) {
        return ModelInput.size(text, option);
    }

    private static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    /** The network seen from the user's images of {@code imageChannels} channels, by the options alone. */
    Network adapt(Network network, int imageChannels) {
        return ModelInput.resolve(Map.of(), choices()).fold(network, imageChannels, layout);
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
