package io.etalon.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.etalon.pattern.Pattern;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import io.etalon.pattern.NearTie;
import java.util.List;
import java.util.Map;

/** JSON output: pretty-printed, written through a temporary file (Jackson writes non-finite numbers as strings). */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    static void write(Path file, Object value) throws IOException {
        io.etalon.data.AtomicFiles.write(file, out -> MAPPER.writeValue(out, value));
    }

    /** Pattern statistics per layer: active switches, size, ties and the smallest margin. */
    static Map<String, Object> pattern(Pattern pattern) {
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int i = 0; i < pattern.layers().size(); i++) {
            String layer = pattern.layers().get(i);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("layer", layer);
            entry.put("kind", pattern.kinds().get(i));
            if (pattern.kinds().get(i).equals("Relu")) {
                entry.put("active", pattern.active(layer));
            }
            entry.put("size", pattern.size(layer));
            entry.put("ties", pattern.ties()[i]);
            float margin = pattern.margins()[i];
            entry.put("smallestMargin", Float.isInfinite(margin) ? null : margin);
            layers.add(entry);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("hash", String.format("%08x", pattern.hashCode()));
        summary.put("totalTies", pattern.totalTies());
        float smallest = pattern.smallestMargin();
        summary.put("smallestMargin", Float.isInfinite(smallest) ? null : smallest);
        summary.put("layers", layers);
        return summary;
    }

    /**
     * Near-ties as summary.json states them: the threshold, how many, and the {@code listed} closest (layer, unit,
     * kind, state, rival, margin, relative margin). Where another engine disagrees with an etalon, these name the units
     * that may explain it.
     */
    static Map<String, Object> nearTies(List<NearTie> nearTies, double threshold, int listed) {
        List<Map<String, Object>> closest = new ArrayList<>();
        for (NearTie tie : nearTies.subList(0, Math.min(listed, nearTies.size()))) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("layer", tie.layer());
            entry.put("kind", tie.kind());
            entry.put("unit", tie.unit());
            entry.put("state", tie.state());
            entry.put("rival", tie.rival());
            entry.put("margin", tie.margin());
            entry.put("relativeMargin", tie.relativeMargin());
            closest.add(entry);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("relativeThreshold", threshold);
        summary.put("count", nearTies.size());
        summary.put("closest", closest);
        return summary;
    }
}
