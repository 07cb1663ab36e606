package io.etalon.cli;

import io.etalon.data.ImageSet;
import io.etalon.graph.Network;
import io.etalon.region.Slice;
import io.etalon.render.Images;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A map of the linear regions on the plane through three images. */
@Command(name = "slice", mixinStandardHelpOptions = true,
        description = "Draw the linear regions and the decision boundary on the plane through three images.")
final class SliceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "The ONNX model.")
    Path model;

    @Mixin
    InputOptions input;

    @Option(names = "--images", required = true, description = "An IDX image file, or a folder of photos (JPEG, PNG, BMP;"
            + " indices count its image files in name order; see --preprocess, --resize and --crop).")
    Path images;

    @Option(names = "--points", required = true, split = ",", description = "Three image indices, e.g. 3,2,1.")
    int[] points;

    @Option(names = "--layer", description = "Colour by the patterns of this layer (default: the last layer with switches).")
    String layer;

    @Option(names = "--size", description = "Grid points per side (default: 240; 32 on photo-size models, where every"
            + " point costs a forward pass of the whole network).")
    Integer size;

    @Option(names = "--out", required = true, description = "The PNG to write; a JSON summary is written beside it.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (points.length != 3) {
            throw new IllegalArgumentException("--points needs three image indices, got " + points.length);
        }
        if (!out.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("--out must name a .png file, got " + out);
        }
        Inputs.Loaded loaded = Inputs.idxOrPhotos(input, model, images, spec.commandLine().getErr());
        Network network = loaded.network();
        ImageSet set = loaded.images();
        int[] chosen = Indices.parse(points[0] + "," + points[1] + "," + points[2], set.count());
        java.util.List<String> switching = network.forward(set.image(chosen[0]), 1).pattern(0).layers();
        String colouring = layer == null ? switching.get(switching.size() - 1) : layer;
        if (!switching.contains(colouring)) {
            throw new IllegalArgumentException("--layer must be a layer with switches, one of " + switching);
        }
        boolean big = network.inputShape().size() > Scale.COORDINATE_LIMIT;
        int size = this.size != null ? this.size : big ? 32 : 240;
        if (big) {
            spec.commandLine().getErr().printf("etalon: note: %,d grid points, each a forward pass of this %s model"
                    + " (--size sets the points per side)%n", (long) size * size, network.inputShape());
        }
        Slice.Map2d map = Slice.through(network, set.image(chosen[0]), set.image(chosen[1]), set.image(chosen[2]),
                size, -0.25, 1.25, colouring);
        BufferedImage scaled = new BufferedImage(map.size() * 3, map.size() * 3, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(map.image(), 0, 0, scaled.getWidth(), scaled.getHeight(), null);
        g.dispose();
        Images.writePng(scaled, out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", model.toString());
        json.put("images", chosen);
        json.put("grid", map.size());
        json.put("range", new double[] {map.low(), map.high()});
        json.put("distinctRegionsSampled", map.distinctRegions());
        json.put("colouredBy", colouring);
        json.put("distinctLayerPatternsSampled", map.distinctLayerPatterns());
        json.put("classes", map.classesSeen());
        Json.write(out.resolveSibling(out.getFileName().toString().replaceFirst("(?i)\\.png$", ".json")), json);
        spec.commandLine().getOut().printf("%d distinct linear regions (%d distinct %s patterns) and %d classes on the %dx%d grid;"
                        + " wrote %s%n", map.distinctRegions(), map.distinctLayerPatterns(), colouring, map.classesSeen(),
                map.size(), map.size(), out.toAbsolutePath().normalize());
        return 0;
    }
}
