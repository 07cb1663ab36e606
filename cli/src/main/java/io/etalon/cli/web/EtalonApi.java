package io.etalon.cli.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.api.Etalons;
import io.etalon.api.ExplainedImage;
import io.etalon.api.ExplainedNeuron;
import io.etalon.data.ClassNames;
import io.etalon.data.Preprocessing;
import io.etalon.etalon.NeuronSelection;
import io.etalon.graph.Network;
import io.etalon.pattern.Pattern;
import io.etalon.region.Radius;
import io.etalon.region.RegionReport;
import io.etalon.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON API behind the page, with the same code as the command line: {@code GET /api/model} describes the model
 * and says which page it gets, {@code POST /api/etalons} explains one image given as pixel values, and
 * {@code POST /api/photo} explains a photo file (a colour model's page): decoded, resized and cropped as the command
 * line does it, its {@value #PHOTO_TOP} best classes explained in one batch, and their pictures drawn. Every problem
 * with a request is a {@link BadRequest} whose message is one line and names no file.
 */
public final class EtalonApi {

    /** A request the API refuses; the message is shown to the client. */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message);
        }
    }

    /** At most this many neurons per request: each is an image in the answer. */
    static final int MAX_NEURONS = 256;

    /**
     * At most this many etalon values per answer of {@code /api/etalons} (about 40 MB of JSON): 256 neurons of a 28x28
     * digit, 26 of a 3x224x224 photo.
     */
    static final int MAX_ANSWER_VALUES = 4_000_000;

    /** Classes explained per photo: the best five, as one batch of five rows through the transposed network. */
    public static final int PHOTO_TOP = 5;

    /** Largest photo, in pixels before resizing: decoding holds it in memory three times over as floats. */
    public static final long MAX_PHOTO_PIXELS = 40_000_000L;

    /**
     * Which page a model gets: {@code DIGIT}, drawing on a pad, for small square grey inputs such as MNIST's 28x28;
     * {@code PHOTO}, choosing a photo file, for every other one- or three-channel image input.
     */
    public enum Mode {
        DIGIT, PHOTO;

        /** Largest side of an input drawn on the pad. */
        static final int LARGEST_DIGIT = 64;

        /**
         * The page for a model input of shape {@code input} (channels first).
         *
         * @throws IllegalArgumentException for inputs that are not images of one or three channels
         */
        public static Mode of(Shape input) {
            if (input.rank() != 3 || (input.dim(0) != 1 && input.dim(0) != 3)) {
                throw new IllegalArgumentException("the page shows images of 1 or 3 channels (CxHxW); this model takes "
                        + input + " (use etalon explain)");
            }
            return input.dim(0) == 1 && input.dim(1) == input.dim(2) && input.dim(1) <= LARGEST_DIGIT ? DIGIT : PHOTO;
        }

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Network network;
    private final Etalons etalons;
    private final String modelName;
    private final Mode mode;
    private final ClassNames classes;
    private final Preprocessing preprocessing;
    private final NeuronSelection top;
    private final ObjectMapper json = new ObjectMapper();

    /** The API of a digit model (or any model, for {@code /api/etalons} only), without class names. */
    public EtalonApi(Network network, String modelName) {
        this(network, modelName, null, null);
    }

    /**
     * The API of a model, its page chosen by {@link Mode#of} its input shape.
     *
     * @param network       the model as it sees the user's images, normalisation folded in: input {@code (C, H, W)}
     * @param classes       names of its outputs, or null
     * @param preprocessing how a photo becomes X, for a photo model (ignored for a digit model); null for none
     */
    public EtalonApi(Network network, String modelName, ClassNames classes, Preprocessing preprocessing) {
        this.network = network;
        this.modelName = modelName;
        this.mode = Mode.of(network.inputShape());
        int outputs = network.outputShape().size();
        if (classes != null && classes.size() != outputs) {
            throw new IllegalArgumentException("the class file names " + classes.size() + " classes but the model has "
                    + outputs + " outputs; give one name per output");
        }
        this.classes = classes;
        this.preprocessing = preprocessing == null ? Preprocessing.NONE : preprocessing;
        Shape input = network.inputShape();
        if (mode == Mode.PHOTO && this.preprocessing.cropHeight() > 0
                && (this.preprocessing.cropHeight() != input.dim(1) || this.preprocessing.cropWidth() != input.dim(2))) {
            throw new IllegalArgumentException("photos cropped to " + this.preprocessing.cropWidth() + "x"
                    + this.preprocessing.cropHeight() + " (preprocessing '" + this.preprocessing.name() + "') do not fit:"
                    + " the model takes " + input.dim(2) + "x" + input.dim(1) + "; give --crop " + input.dim(1)
                    + (input.dim(1) == input.dim(2) ? "" : "x" + input.dim(2)) + " and a --resize of at least that");
        }
        // the library's front door, as a Java program would use it; one thread per request, the server runs several
        this.etalons = Etalons.of(network, this.preprocessing).withClasses(classes).withThreads(1);
        this.top = NeuronSelection.parse(List.of("top:" + Math.min(PHOTO_TOP, outputs)), network);
    }

    /** The network explained, as it sees the user's images. */
    public Network network() {
        return network;
    }

    /** The page this model gets. */
    public Mode mode() {
        return mode;
    }

    /** {@code GET /api/model}. */
    public Map<String, Object> model() {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", modelName);
        model.put("mode", mode.id());
        model.put("inputShape", network.inputShape().dims());
        model.put("outputs", network.outputShape().size());
        model.put("classNames", classes != null);
        if (mode == Mode.PHOTO) {
            model.put("preprocessing", preprocessing(network.inputShape()));
            model.put("top", top.count());
            model.put("maxPhotoBytes", EtalonServer.MAX_PHOTO_BODY);
        }
        List<Map<String, Object>> layers = new ArrayList<>();
        for (Network.Node node : network.nodes()) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("name", node.name());
            layer.put("kind", node.op().kind());
            layer.put("shape", node.op().outputShape().dims());
            layers.add(layer);
        }
        model.put("layers", layers);
        return model;
    }

    /** {@code POST /api/etalons} with {@code {"image": [...], "neurons": "output", "radius": true}}. */
    public Map<String, Object> etalons(byte[] body) {
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (java.io.IOException e) {
            throw new BadRequest("malformed JSON: send {\"image\": [pixel values], \"neurons\": \"output\"}");
        }
        if (request == null || !request.isObject()) {
            throw new BadRequest("the body must be a JSON object with an \"image\" array");
        }
        float[] image = image(request.get("image"));
        NeuronSelection neurons = neurons(request.get("neurons"));
        // the radius holds a tangent per decision and input value: 50 MB on LeNet, far more than any heap on a photo model
        boolean radiusFits = 4 * Radius.floatsNeeded(network) <= Runtime.getRuntime().maxMemory() / 2;
        boolean radius = request.has("radius") ? request.get("radius").asBoolean(true) : radiusFits;
        if (radius && !radiusFits) {
            throw new BadRequest(String.format(java.util.Locale.ROOT, "the radius of a %s input needs %,d MB of tangents,"
                    + " more than this server's memory; send \"radius\": false", network.inputShape(),
                    4 * Radius.floatsNeeded(network) >> 20));
        }
        ExplainedImage explanation = explain(image, neurons);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("scores", explanation.scores());
        answer.put("predicted", explanation.predicted());
        List<String> names = new ArrayList<>();
        List<float[]> weights = new ArrayList<>();
        List<Double> biases = new ArrayList<>();
        List<Double> residuals = new ArrayList<>();
        for (ExplainedNeuron etalon : explanation.neurons()) {
            names.add(etalon.neuron());
            weights.add(etalon.etalon());
            biases.add(etalon.bias());
            residuals.add(etalon.residual());
        }
        answer.put("neurons", names);
        if (classes != null) {
            answer.put("classNames", explanation.neurons().stream().map(ExplainedNeuron::className).toList());
        }
        answer.put("etalons", weights);
        answer.put("biases", biases);
        answer.put("residuals", residuals);
        answer.put("pattern", pattern(explanation.pattern()));
        if (radius) {
            RegionReport report = etalons.region(image);
            Map<String, Object> region = new LinkedHashMap<>();
            region.put("l2", finite(report.radiusL2()));
            region.put("linf", finite(report.radiusLinf()));
            region.put("tiedFaces", report.tiedConstraints());
            region.put("faceL2", finite(report.faceRadiusL2()));
            region.put("firstFlip", report.firstFlip() == null ? null : report.firstFlip().name());
            region.put("decisionDistanceL2", finite(report.decisionDistanceL2()));
            answer.put("radius", region);
        }
        return answer;
    }

    /**
     * {@code POST /api/photo} with the bytes of a JPEG, PNG or BMP file: the photo as the network sees it (decoded,
     * resized and cropped as {@code etalon explain --image} does), its {@value #PHOTO_TOP} best classes with names,
     * scores, biases and residuals, each class's pictures (one scale per view shared by the five, so equal colours mean
     * equal values), and the legend of those pictures.
     *
     * @param file not modified; the bytes of the file
     */
    public Map<String, Object> photo(byte[] file) {
        if (mode != Mode.PHOTO) {
            throw new BadRequest("this model takes " + network.inputShape() + " drawings, not photos; send pixel values"
                    + " to /api/etalons");
        }
        if (file.length == 0) {
            throw new BadRequest("the body is empty; send the bytes of a JPEG, PNG or BMP file");
        }
        Shape shape = network.inputShape();
        float[] x;
        try {
            x = PhotoPictures.input(file, preprocessing, shape);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        ExplainedImage explanation = explain(x, top);
        List<float[]> weights = new ArrayList<>();
        for (ExplainedNeuron etalon : explanation.neurons()) {
            weights.add(etalon.etalon());
        }
        PhotoPictures.Drawn pictures = PhotoPictures.draw(x, weights, shape);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("input", Map.of("shape", shape.dims(), "png", pictures.input()));
        answer.put("preprocessing", preprocessing(shape));
        int predicted = explanation.predicted();
        answer.put("predicted", classOf(predicted, explanation.scores()[predicted]));
        List<Map<String, Object>> ranked = new ArrayList<>();
        for (int k = 0; k < explanation.neurons().size(); k++) {
            ExplainedNeuron etalon = explanation.neurons().get(k);
            Map<String, Object> entry = classOf(etalon.index(), etalon.score());
            entry.put("rank", k + 1);
            entry.put("neuron", etalon.neuron());
            entry.put("bias", etalon.bias());
            entry.put("residual", etalon.residual());
            entry.put("relativeResidual", etalon.relativeResidual());
            entry.put("views", pictures.views().get(k));
            ranked.add(entry);
        }
        answer.put("classes", ranked);
        answer.put("legend", pictures.legend());
        answer.put("pattern", pattern(explanation.pattern()));
        return answer;
    }

    /** One image explained by the front door; a request it refuses (one that would not fit in memory) is a bad one. */
    private ExplainedImage explain(float[] image, NeuronSelection neurons) {
        try {
            return etalons.explain(image, neurons);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    private Map<String, Object> classOf(int index, double score) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("index", index);
        entry.put("name", classes == null ? "class " + index : classes.name(index));
        entry.put("score", score);
        return entry;
    }

    private Map<String, Object> preprocessing(Shape input) {
        Map<String, Object> steps = new LinkedHashMap<>();
        steps.put("name", preprocessing.name());
        steps.put("resize", preprocessing.resize());
        steps.put("crop", preprocessing.cropHeight() == 0 ? null : List.of(preprocessing.cropHeight(), preprocessing.cropWidth()));
        steps.put("mean", preprocessing.mean());
        steps.put("std", preprocessing.std());
        String colour = input.dim(0) == 3 ? "RGB" : "grey";
        String text = PhotoPictures.describe(preprocessing) + "; " + colour + " in 0..1, " + input;
        if (preprocessing.mean().length > 0) {
            text += "; the model's normalisation (x - mean) / std, mean " + Arrays.toString(preprocessing.mean()) + ", std "
                    + Arrays.toString(preprocessing.std()) + ", is its first layer, so W is over these pixels";
        }
        steps.put("text", text);
        return steps;
    }

    private float[] image(JsonNode values) {
        int size = network.inputShape().size();
        if (values == null || !values.isArray()) {
            throw new BadRequest("\"image\" must be an array of " + size + " pixel values in 0..1, row-major");
        }
        if (values.size() != size) {
            throw new BadRequest("\"image\" has " + values.size() + " values; the model takes " + size + " ("
                    + network.inputShape() + ")");
        }
        float[] image = new float[size];
        for (int i = 0; i < size; i++) {
            JsonNode value = values.get(i);
            if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                throw new BadRequest("pixel " + i + " is " + value + "; pixels must be finite numbers");
            }
            image[i] = (float) value.asDouble();
        }
        return image;
    }

    /** The neurons asked for: any spec the command line takes, including {@code top:K} and {@code predicted}. */
    private NeuronSelection neurons(JsonNode spec) {
        List<String> specs = new ArrayList<>();
        if (spec == null || spec.isNull()) {
            specs.add("output");
        } else if (spec.isTextual()) {
            specs.add(spec.asText());
        } else if (spec.isArray()) {
            spec.forEach(item -> specs.add(item.asText()));
        } else {
            throw new BadRequest("\"neurons\" must be a spec such as \"output\" or \"fc1:5\", or an array of them");
        }
        NeuronSelection neurons;
        try {
            neurons = NeuronSelection.parse(specs, network);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        int most = (int) Math.max(1, Math.min(MAX_NEURONS, MAX_ANSWER_VALUES / network.inputShape().size()));
        if (neurons.count() > most) {
            throw new BadRequest(neurons.count() + " neurons asked for; at most " + most + " per request for this "
                    + network.inputShape() + " input");
        }
        return neurons;
    }

    private static Map<String, Object> pattern(Pattern pattern) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("hash", String.format("%08x", pattern.hashCode()));
        summary.put("ties", pattern.totalTies());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (String layer : pattern.layers()) {
            layers.add(Map.of("layer", layer, "active", pattern.active(layer), "size", pattern.size(layer)));
        }
        summary.put("layers", layers);
        return summary;
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
