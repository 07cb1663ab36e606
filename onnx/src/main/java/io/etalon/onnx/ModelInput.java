package io.etalon.onnx;

import io.etalon.data.Preprocessing;
import io.etalon.graph.InputStages;
import io.etalon.graph.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the user's images reach a model: what the model calls a white pixel (the pixel scale), the normalisation
 * {@code (x - mean) / std} it applies, and how a photo is resized and cropped into X. Each comes from the user's choice
 * when there is one, else from the model's own statement in its metadata ({@code metadata_props}, see
 * {@link LoadedModel#metadata()}), else a default: pixels 0..1, no normalisation, no resize or crop. The command
 * line's options ({@code --pixel-scale}, {@code --mean}, {@code --std}, {@code --preprocess}, {@code --resize},
 * {@code --crop}) and the library's {@code io.etalon.api.Etalons.load} both resolve here, so a model gets the same X and
 * the same network from either.
 *
 * <p>Metadata read:
 * <ul>
 * <li>{@value #NOMINAL_PIXEL_RANGE} (Windows ML): {@code NominalRange_0_255}, {@code Normalized_0_1},
 *     {@code Normalized_1_1} or {@code NominalRange_16_235}; it states scale, mean and std together, so it is used only
 *     when the user gives none of the three;</li>
 * <li>else {@code pixel_scale}, {@code mean} and {@code std} (comma-separated, in the model's units), each where the
 *     user gave none;</li>
 * <li>{@code preprocess}: a preset ({@code imagenet}, {@code cifar10}, {@code mnist}, {@code none}), whose mean and std
 *     come before the keys above; {@code resize} (N) and {@code crop} (N or HxW) refine it.</li>
 * </ul>
 * A preset the user chooses states the whole photo preprocessing: the metadata's preset, resize and crop are then not
 * read, and its mean and std (when it has them) replace the metadata's.
 *
 * <pre>{@code
 * LoadedModel model = OnnxModels.load(file);
 * ModelInput input = ModelInput.resolve(model.metadata(), ModelInput.Choices.NONE);
 * Network network = input.fold(model.network(), 3, "auto");   // takes X, values 0..1
 * Preprocessing photos = input.preprocessing();               // how a photo becomes X
 * }</pre>
 */
public final class ModelInput {

    /** Windows ML's metadata key for the range of a model's input pixels. */
    public static final String NOMINAL_PIXEL_RANGE = "Image.NominalPixelRange";

    /**
     * What the user chose, each null when not given (then the model's metadata, else the default, decides).
     *
     * @param pixelScale what the model calls a white pixel, e.g. 255 ({@code --pixel-scale})
     * @param mean       per-channel mean in the model's units ({@code --mean}); copied in and out
     * @param std        per-channel standard deviation in the model's units ({@code --std}); copied in and out
     * @param preset     the photo preprocessing ({@code --preprocess}): its resize and crop, and its mean and std when
     *                   it states them
     * @param resize     the shorter side after resizing, 0 for none ({@code --resize})
     * @param crop       {@code {height, width}} of the centre crop, {@code {0, 0}} for none ({@code --crop}); copied in
     *                   and out
     */
    public record Choices(Double pixelScale, float[] mean, float[] std, Preprocessing preset, Integer resize, int[] crop) {

        /** Nothing chosen: the model's metadata decides everything. */
        public static final Choices NONE = new Choices(null, null, null, null, null, null);

        /**
         * Copies the arrays.
         *
         * @throws IllegalArgumentException if {@code crop} does not hold two values
         */
        public Choices {
            mean = mean == null ? null : mean.clone();
            std = std == null ? null : std.clone();
            if (crop != null && crop.length != 2) {
                throw new IllegalArgumentException("a crop is {height, width}, got " + crop.length + " values");
            }
            crop = crop == null ? null : crop.clone();
        }

        /**
         * Only a photo preprocessing chosen, as {@code --preprocess} with no other option.
         *
         * @param preset the resize, crop, and the mean and std when it states them
         * @return the choices
         */
        public static Choices of(Preprocessing preset) {
            return new Choices(null, null, null, preset, null, null);
        }

        /** @return a copy of the mean, or null when not given */
        @Override
        public float[] mean() {
            return mean == null ? null : mean.clone();
        }

        /** @return a copy of the std, or null when not given */
        @Override
        public float[] std() {
            return std == null ? null : std.clone();
        }

        /** @return a copy of {@code {height, width}}, or null when not given */
        @Override
        public int[] crop() {
            return crop == null ? null : crop.clone();
        }
    }

    private final double pixelScale;
    private final float[] mean;
    private final float[] std;
    private final String name;
    private final int resize;
    private final int[] crop;
    private final List<String> notes;

    private ModelInput(double pixelScale, float[] mean, float[] std, String name, int resize, int[] crop,
                       List<String> notes) {
        this.pixelScale = pixelScale;
        this.mean = mean;
        this.std = std;
        this.name = name;
        this.resize = resize;
        this.crop = crop;
        this.notes = List.copyOf(notes);
    }

    /**
     * The user's choices, completed from the model's metadata. Cost: parsing a few metadata values.
     *
     * @param metadata not modified; the model's metadata_props, key to value
     * @param choices  the user's, {@link Choices#NONE} for none
     * @return what was resolved, with a note (one line each) for every value taken from the metadata
     * @throws IllegalArgumentException naming the metadata key and the option that replaces it, for a value Etalon
     *                                  cannot read (an unknown pixel range or preset, a list that is not of numbers,
     *                                  a crop that is not N or HxW)
     */
    public static ModelInput resolve(Map<String, String> metadata, Choices choices) {
        List<String> notes = new ArrayList<>();
        String statedPreset = metadata.get("preprocess");
        Preprocessing chosen = Preprocessing.NONE;
        if (choices.preset() != null) {
            chosen = choices.preset();
        } else if (statedPreset != null) {
            chosen = Preprocessing.preset(statedPreset.trim());
            notes.add("photos preprocessed as the model's metadata states (preprocess = " + statedPreset
                    + "); --preprocess, --resize and --crop override it");
        }
        Double scale = choices.pixelScale();
        float[] mean = choices.mean();
        float[] std = choices.std();
        // the preset states the model's normalisation; the user's mean and std still override it, metadata fills gaps
        if (chosen.mean().length > 0 && mean == null && std == null) {
            mean = chosen.mean();
            std = chosen.std();
        }
        String range = metadata.get(NOMINAL_PIXEL_RANGE);
        if (range != null && scale == null && mean == null && std == null) {
            switch (range.trim()) {
                case "NominalRange_0_255" -> scale = 255.0;
                case "Normalized_0_1" -> scale = 1.0;
                case "Normalized_1_1" -> {
                    scale = 1.0;
                    mean = new float[] {0.5f};
                    std = new float[] {0.5f};
                }
                case "NominalRange_16_235" -> {
                    scale = 219.0;
                    mean = new float[] {-16f};
                }
                default -> throw new IllegalArgumentException("the model's metadata " + NOMINAL_PIXEL_RANGE + " is '"
                        + range + "', which Etalon does not know; give --pixel-scale, --mean and --std instead");
            }
            notes.add("input pixels as the model's metadata states (" + NOMINAL_PIXEL_RANGE + " = " + range
                    + "); --pixel-scale, --mean and --std override it");
        } else {
            List<String> used = new ArrayList<>();
            String statedScale = metadata.get("pixel_scale");
            if (statedScale != null && scale == null) {
                scale = (double) numbers("pixel_scale", statedScale)[0];
                used.add("pixel_scale = " + statedScale);
            }
            if (metadata.get("mean") != null && mean == null) {
                mean = numbers("mean", metadata.get("mean"));
                used.add("mean = " + metadata.get("mean"));
            }
            if (metadata.get("std") != null && std == null) {
                std = numbers("std", metadata.get("std"));
                used.add("std = " + metadata.get("std"));
            }
            if (!used.isEmpty()) {
                notes.add("input normalisation from the model's metadata (" + String.join(", ", used)
                        + "); --pixel-scale, --mean and --std override it");
            }
        }
        // the user's preset states the whole photo preprocessing; the metadata's resize and crop refine its own preset
        boolean metadataResizes = choices.preset() == null;
        int side;
        if (choices.resize() != null) {
            side = choices.resize();
        } else if (metadataResizes && metadata.containsKey("resize")) {
            side = (int) numbers("resize", metadata.get("resize"))[0];
        } else {
            side = chosen.resize();
        }
        int[] cropSize;
        if (choices.crop() != null) {
            cropSize = choices.crop();
        } else if (metadataResizes && metadata.containsKey("crop")) {
            cropSize = size(metadata.get("crop"), "the model's metadata 'crop'");
        } else {
            cropSize = new int[] {chosen.cropHeight(), chosen.cropWidth()};
        }
        boolean custom = choices.resize() != null || choices.crop() != null || (choices.preset() == null
                && statedPreset == null && (metadata.containsKey("resize") || metadata.containsKey("crop")));
        String name = custom && chosen == Preprocessing.NONE ? "custom" : chosen.name();
        return new ModelInput(scale == null ? 1 : scale, mean, std, name, side, cropSize, notes);
    }

    /** @return what the model calls a white pixel: 1 (pixels 0..1, the default) or, e.g., 255 */
    public double pixelScale() {
        return pixelScale;
    }

    /** @return a copy of the per-channel mean the model subtracts, in its units: 1 or C values, or null for none */
    public float[] mean() {
        return mean == null ? null : mean.clone();
    }

    /** @return a copy of the per-channel std the model divides by, in its units: 1 or C values, or null for none */
    public float[] std() {
        return std == null ? null : std.clone();
    }

    /** @return what was taken from the model's metadata, one line each, for the user (the command line prints them) */
    public List<String> notes() {
        return notes;
    }

    /**
     * The network seen from images of values 0..1 ({@link InputStages#fold}): the pixel scale, mean and std folded in
     * as its first stages. Cost: one op per stage; the weights are shared, not copied.
     *
     * @param network       not modified; the model as imported
     * @param imageChannels channels of the images to be given: 1 makes a three-channel model take grey images, else
     *                      the model's own count
     * @param layout        {@code auto}, {@code channels-first} or {@code channels-last}; null means auto
     * @return a network taking channels-first images of {@code imageChannels} channels
     * @throws IllegalArgumentException naming the option, for a mean or std of neither 1 nor C values, a std of 0, or a
     *                                  layout that does not fit the model's input
     */
    public Network fold(Network network, int imageChannels, String layout) {
        return InputStages.fold(network, imageChannels, pixelScale, mean, std, layout);
    }

    /**
     * How a photo becomes X: the preset's name (or {@code custom}), resize, crop, and the mean and std recorded with it.
     *
     * @return a new preprocessing
     * @throws IllegalArgumentException if the resize, crop, mean or std are out of range (a crop larger than the
     *                                  resize, a mean of 2 values), naming the option
     */
    public Preprocessing preprocessing() {
        return new Preprocessing(name, resize, crop[0], crop[1], mean == null ? new float[0] : mean,
                std == null ? new float[0] : std);
    }

    /**
     * {@code N} or {@code HxW} as {@code {H, W}}.
     *
     * @param text the value, e.g. {@code 224} or {@code 288x256}
     * @param what names the value in the message, e.g. {@code --crop}
     * @return {@code {height, width}}
     * @throws IllegalArgumentException if {@code text} is neither
     */
    public static int[] size(String text, String what) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x");
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
        throw new IllegalArgumentException(what + " must be N or HxW (e.g. 224 or 224x224), got '" + text + "'");
    }

    private static float[] numbers(String key, String value) {
        String[] parts = value.split(",");
        float[] values = new float[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                values[i] = Float.parseFloat(parts[i].trim());
                if (!Float.isFinite(values[i])) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the model's metadata '" + key + "' is '" + value + "', not a"
                    + " comma-separated list of numbers; give --" + key.replace('_', '-') + " instead");
        }
        return values;
    }
}
