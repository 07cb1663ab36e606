package io.etalon.cli;

import io.etalon.api.ExplainedNeuron;
import io.etalon.etalon.Etalon;
import io.etalon.render.ClipScale;
import io.etalon.render.Images;
import io.etalon.render.Legend;
import io.etalon.render.Palette;
import io.etalon.render.View;
import io.etalon.render.ViewSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pictures {@code explain} writes for a colour ({@code 3xHxW}) input beside the paper's grey etalon: per neuron
 * {@code NAME-heat.png}, {@code -abs.png}, {@code -blend.png} and {@code -colour.png} ({@link View}), and one
 * {@code legend.png} saying what their colours mean. Neurons of one layer share one clip scale per view, so their
 * pictures compare; neurons of different layers, whose values differ in kind, do not.
 */
final class ColourViews {

    /** What was written: per etalon its view files, and the summary's {@code views} block. */
    record Written(List<Map<String, String>> files, Map<String, Object> summary) {
    }

    private ColourViews() {
    }

    /** Whether a model input gets these views: three channels of an image. */
    static boolean applies(io.etalon.tensor.Shape input) {
        return input.rank() == 3 && input.dim(0) == 3;
    }

    /**
     * Writes the views of one image's etalons into {@code folder}.
     *
     * @param image      not modified; X, {@code (3, height, width)} in {@code [0, 1]}
     * @param baseNames  per etalon the file name of its grey picture without {@code .png}, e.g. {@code logits-281-tabby}
     * @param palette    the heat map's palette
     * @param percentile where the scales clip
     */
    static Written writeNeurons(Path folder, float[] image, int height, int width, List<ExplainedNeuron> etalons,
                                List<String> baseNames, Palette palette, int zoom, double percentile) throws IOException {
        return draw(folder, image, height, width, etalons.stream().map(ExplainedNeuron::layer).toList(),
                etalons.stream().map(ExplainedNeuron::etalon).toList(), baseNames, palette, zoom, percentile);
    }

    /** {@link #writeNeurons} for core's etalons. */
    static Written write(Path folder, float[] image, int height, int width, List<Etalon> etalons,
                         List<String> baseNames, Palette palette, int zoom, double percentile) throws IOException {
        return draw(folder, image, height, width, etalons.stream().map(etalon -> etalon.neuron().layer()).toList(),
                etalons.stream().map(Etalon::weights).toList(), baseNames, palette, zoom, percentile);
    }

    private static Written draw(Path folder, float[] image, int height, int width, List<String> layerOf,
                                List<float[]> etalons, List<String> baseNames, Palette palette, int zoom,
                                double percentile) throws IOException {
        Map<String, List<Integer>> layers = new LinkedHashMap<>();
        for (int k = 0; k < etalons.size(); k++) {
            layers.computeIfAbsent(layerOf.get(k), layer -> new ArrayList<>()).add(k);
        }
        List<Map<String, String>> files = new ArrayList<>();
        for (int k = 0; k < etalons.size(); k++) {
            files.add(new LinkedHashMap<>());
        }
        List<Legend.Entry> legend = new ArrayList<>();
        List<Map<String, Object>> scales = new ArrayList<>();
        for (Map.Entry<String, List<Integer>> layer : layers.entrySet()) {
            List<float[]> weights = layer.getValue().stream().map(etalons::get).toList();
            ViewSet set = ViewSet.draw(image, weights, height, width, zoom, palette, percentile);
            for (int j = 0; j < layer.getValue().size(); j++) {
                int k = layer.getValue().get(j);
                for (View view : View.values()) {
                    String file = baseNames.get(k) + "-" + view.suffix() + ".png";
                    Images.writePng(set.pictures().get(j).get(view), folder.resolve(file));
                    files.get(k).put(view.suffix(), file);
                }
            }
            String scope = layers.size() == 1 ? "all neurons of this image" : "all neurons of layer " + layer.getKey();
            legend.addAll(set.legend(palette, scope));
            Map<String, Object> scale = new LinkedHashMap<>();
            scale.put("layer", layer.getKey());
            for (View view : View.values()) {
                scale.put(view.suffix(), set.clips().get(view).value());
            }
            scales.add(scale);
        }
        Images.writePng(Legend.draw(legend, 600), folder.resolve("legend.png"));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("legend", "legend.png");
        summary.put("palette", palette.name().toLowerCase(java.util.Locale.ROOT));
        summary.put("clipPercentile", percentile);
        summary.put("clipScales", scales);
        Map<String, String> meaning = new LinkedHashMap<>();
        meaning.put(View.HEAT.suffix(), "sum over channels of the etalon W; positive: brightening the pixel raises the score");
        meaning.put(View.ABS.suffix(), "|sum over channels of W|: how strongly the pixel moves the score");
        meaning.put(View.BLEND.suffix(), "sum over channels of X * W over the dimmed photo; adds up to score - bias");
        meaning.put(View.COLOUR.suffix(), "W's three channels as R, G, B around mid grey, one scale");
        summary.put("meaning", meaning);
        return new Written(files, summary);
    }

    /** The clip percentile the user gave, checked. */
    static double percentile(double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("--clip-percentile must be above 0 and at most 100, got " + percentile);
        }
        return percentile;
    }

    /** Pixels per input pixel for the views: the user's {@code --zoom}, else about 448 pixels a side. */
    static int zoom(boolean given, int zoom, int height, int width) {
        return given ? zoom : Math.max(1, 448 / Math.max(height, width));
    }

    /**
     * Pixels per input pixel for the plain etalon PNG: the user's {@code --zoom}, else the default (8, a digit's 224
     * pixels) but no more than the views' (a photo's etalon 448 pixels a side, not 1,792, which took most of the time
     * to write a photo's files).
     */
    static int plainZoom(boolean given, int zoom, int height, int width) {
        return given ? zoom : Math.min(zoom, zoom(false, zoom, height, width));
    }
}
