package io.etalon.cli.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.etalon.Etalon;
import io.etalon.etalon.Explainer;
import io.etalon.etalon.Explanation;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import io.etalon.graph.Network;
import io.etalon.pattern.Pattern;
import io.etalon.region.Radius;
import io.etalon.region.RegionReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON API behind the page, with the same code as the command line: {@code POST /api/etalons} explains one
 * image, {@code GET /api/model} describes the model. Every problem with a request is a {@link BadRequest} whose
 * message is one line and names no file.
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

    private final Network network;
    private final Explainer explainer;
    private final String modelName;
    private final ObjectMapper json = new ObjectMapper();

    public EtalonApi(Network network, String modelName) {
        this.network = network;
        this.modelName = modelName;
        this.explainer = new Explainer(network, Method.AUTO.solver(), 1);
    }

    /** {@code GET /api/model}. */
    public Map<String, Object> model() {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("name", modelName);
        model.put("inputShape", network.inputShape().dims());
        model.put("outputs", network.outputShape().size());
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
        List<Neuron> neurons = neurons(request.get("neurons"));
        boolean radius = !request.has("radius") || request.get("radius").asBoolean(true);
        Explanation explanation = explainer.explain(image, neurons);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("scores", explanation.scores());
        answer.put("predicted", explanation.predicted());
        List<String> names = new ArrayList<>();
        List<float[]> etalons = new ArrayList<>();
        List<Double> biases = new ArrayList<>();
        List<Double> residuals = new ArrayList<>();
        for (Etalon etalon : explanation.etalons()) {
            names.add(etalon.neuron().id());
            etalons.add(etalon.weights());
            biases.add(etalon.bias());
            residuals.add(etalon.residual());
        }
        answer.put("neurons", names);
        answer.put("etalons", etalons);
        answer.put("biases", biases);
        answer.put("residuals", residuals);
        answer.put("pattern", pattern(explanation.pattern()));
        if (radius) {
            RegionReport report = Radius.of(network, image);
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

    private List<Neuron> neurons(JsonNode spec) {
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
        List<Neuron> neurons;
        try {
            neurons = Neuron.parseAll(specs, network);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
        if (neurons.size() > MAX_NEURONS) {
            throw new BadRequest(neurons.size() + " neurons asked for; at most " + MAX_NEURONS + " per request");
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
