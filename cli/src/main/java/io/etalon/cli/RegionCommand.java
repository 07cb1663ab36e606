package io.etalon.cli;

import io.etalon.api.Etalons;
import io.etalon.data.ImageSet;
import io.etalon.data.Preprocessing;
import io.etalon.graph.Network;
import io.etalon.region.Constraint;
import io.etalon.region.RegionReport;
import io.etalon.render.Images;
import io.etalon.render.Palette;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How far an input's etalons hold: the exact radius of its linear region and the decision that flips first. */
@Command(name = "region", mixinStandardHelpOptions = true,
        description = "Measure the linear region of an input: exact L2 and L-infinity radius, ties, first flip.")
final class RegionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The ONNX model.")
    Path model;

    @Mixin
    InputOptions input;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--images", description = "An IDX image file.")
        Path images;

        @Option(names = {"--image", "--png"}, description = "A photo (JPEG, PNG, BMP); see --preprocess, --resize and"
                + " --crop. --png is the older name.")
        Path image;
    }

    @Option(names = "--index", defaultValue = "0", description = "Image of the IDX file (default: ${DEFAULT-VALUE}).")
    int index;

    @Option(names = "--out", description = "Write the report as JSON here, and the direction to the first flip as a PNG beside it.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Network network;
        ImageSet image;
        Preprocessing preprocessing = Preprocessing.NONE;
        if (source.images != null) {
            network = input.load(model, spec.commandLine().getErr());
            ImageSet all = Inputs.idx(source.images, network);
            image = all.select(Indices.parse(String.valueOf(index), all.count()));
        } else {
            network = input.loadForPhotos(model, spec.commandLine().getErr());
            preprocessing = input.preprocessing();
            image = Inputs.photos(List.of(source.image), network, preprocessing, spec.commandLine().getErr()).images();
        }
        // the library's front door, as a Java program would use it
        RegionReport report = Etalons.of(network, preprocessing).region(image.image(0));
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf("radius (L2)        %.6g%n", report.radiusL2());
        stdout.printf("radius (L-inf)     %.6g%n", report.radiusLinf());
        stdout.printf("tied faces         %d of %d decisions (the input sits on them; the radius is 0 when any)%n",
                report.tiedConstraints(), report.constraints());
        stdout.printf("radius in the face %.6g (L2), %.6g (L-inf), ignoring the tied faces%n", report.faceRadiusL2(),
                report.faceRadiusLinf());
        Constraint first = report.firstFlip();
        stdout.printf("first flip         %s%n", first == null ? "none: no decision depends on the input" : first.name()
                + String.format(" at L2 distance %.6g (margin %.3g)", first.distanceL2(), first.margin()));
        stdout.printf("decision boundary  %.6g (L2) away, toward class %d, inside this region's affine map%n",
                report.decisionDistanceL2(), report.decisionRival());
        if (out != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model", model.toString());
            json.put("radiusL2", finite(report.radiusL2()));
            json.put("radiusLinf", finite(report.radiusLinf()));
            json.put("tiedFaces", report.tiedConstraints());
            json.put("decisions", report.constraints());
            json.put("faceRadiusL2", finite(report.faceRadiusL2()));
            json.put("faceRadiusLinf", finite(report.faceRadiusLinf()));
            json.put("firstFlip", first == null ? null : first.name());
            json.put("decisionDistanceL2", finite(report.decisionDistanceL2()));
            json.put("decisionRival", report.decisionRival());
            json.put("nearest", report.nearest().stream().map(c -> Map.of("decision", c.name(), "margin", c.margin(),
                    "distanceL2", c.distanceL2(), "distanceLinf", c.distanceLinf())).toList());
            Json.write(out, json);
            if (first != null && network.inputShape().rank() == 3) {
                Path png = out.resolveSibling(out.getFileName().toString().replaceFirst("(?i)\\.json$", "") + "-direction.png");
                Images.writePng(Images.signed(report.towardFirstFlip(), network.inputShape().dim(1),
                        network.inputShape().dim(2), 8, Palette.DIVERGING), png);
            }
            stdout.printf("wrote %s%n", out.toAbsolutePath().normalize());
        }
        return 0;
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
