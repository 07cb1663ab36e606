package io.etalon.cli;

import io.etalon.data.ImageSet;
import io.etalon.graph.Network;
import io.etalon.region.Walk;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Every linear region crossed on the straight path between two images, with exact breakpoints. */
@Command(name = "path", mixinStandardHelpOptions = true,
        description = "List the linear regions (etalons) crossed on the straight path between two images.")
final class PathCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The ONNX model.")
    Path model;

    @Mixin
    InputOptions input;

    @Option(names = "--images", required = true, description = "An IDX image file, or a folder of photos (JPEG, PNG, BMP;"
            + " indices count its image files in name order; see --preprocess, --resize and --crop).")
    Path images;

    @Option(names = "--from", required = true, description = "Index of the first image.")
    int from;

    @Option(names = "--to", required = true, description = "Index of the second image.")
    int to;

    @Option(names = "--out", description = "Write every region as JSON here.")
    Path out;

    @Option(names = "--max-regions", description = "Stop after this many regions (default: 100,000; 1,000 on photo-size"
            + " models, where each region costs about a second).")
    Integer maxRegions;

    @Override
    public Integer call() throws Exception {
        Inputs.Loaded loaded = Inputs.idxOrPhotos(input, model, images, spec.commandLine().getErr());
        Network network = loaded.network();
        ImageSet set = loaded.images();
        int[] ends = Indices.parse(from + "," + to, set.count());
        boolean big = network.inputShape().size() > Scale.COORDINATE_LIMIT;
        int cap = maxRegions != null ? maxRegions : big ? 1_000 : Walk.MAX_SEGMENTS;
        if (cap < 1) {
            throw new IllegalArgumentException("--max-regions must be at least 1, got " + cap);
        }
        if (big) {
            spec.commandLine().getErr().printf("etalon: note: every region on the way costs a forward and a transposed pass of"
                    + " this %s model; stopping after %,d regions (--max-regions)%n", network.inputShape(), cap);
        }
        List<Walk.Segment> segments = Walk.between(network, set.image(ends[0]), set.image(ends[1]), cap);
        PrintWriter stdout = spec.commandLine().getOut();
        double reached = segments.get(segments.size() - 1).end();
        if (reached < 1) {
            stdout.printf("stopped after %,d regions at t = %.6f of the way; raise --max-regions to go on%n", segments.size(), reached);
        }
        int changes = 0;
        for (int k = 1; k < segments.size(); k++) {
            if (segments.get(k).predicted() != segments.get(k - 1).predicted()) {
                changes++;
            }
        }
        stdout.printf("%d linear regions between image %d and image %d; the prediction changes %d time(s)%n",
                segments.size(), from, to, changes);
        int shown = 0;
        for (Walk.Segment segment : segments) {
            if (shown++ < 12 || segment.end() == 1.0) {
                stdout.printf("  t %.6f .. %.6f  class %d  etalon change %.3f  ends at %s%n", segment.start(), segment.end(),
                        segment.predicted(), segment.etalonChange(), segment.flipAtEnd() == null ? "the image" : segment.flipAtEnd());
            } else if (shown == 13) {
                stdout.println("  ...");
            }
        }
        if (out != null) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Walk.Segment segment : segments) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("start", segment.start());
                row.put("end", segment.end());
                row.put("predicted", segment.predicted());
                row.put("pattern", String.format("%08x", segment.patternHash()));
                row.put("flipAtEnd", segment.flipAtEnd());
                row.put("etalonChange", segment.etalonChange());
                rows.add(row);
            }
            Json.write(out, Map.of("model", model.toString(), "from", from, "to", to, "regions", rows));
            stdout.printf("wrote %s%n", out.toAbsolutePath().normalize());
        }
        return 0;
    }
}
