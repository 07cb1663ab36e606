package io.etalon.cli;

import io.etalon.api.Etalons;
import io.etalon.api.ExplainedImage;
import io.etalon.api.ExplainedNeuron;
import io.etalon.data.ImageSet;
import io.etalon.etalon.Neuron;
import io.etalon.graph.Network;
import io.etalon.render.FigureGrid;
import io.etalon.render.Palette;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's Figure 11 for any model and data: one row per chosen input, one column per output neuron, each cell
 * the etalon of that input for that neuron. Used by {@code etalon demo} and {@code etalon figure}.
 */
final class Figure {

    /** The picture and what it shows, for the JSON summary. */
    record Result(BufferedImage image, List<Map<String, Object>> rows, double maxRelativeResidual) {
    }

    private Figure() {
    }

    /** The first image of each class, in class order; classes without an image are left out. */
    static int[] firstOfEachClass(int[] labels, int classes) {
        List<Integer> rows = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == c) {
                    rows.add(i);
                    break;
                }
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no image has a label between 0 and " + (classes - 1));
        }
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Explains the chosen images for every output neuron, through the library's front door, and draws the grid.
     *
     * @param etalons the model, taking the images as they are
     * @param labels  the images' labels for the captions, or null
     * @param rows    indices of the images to show, one row each
     */
    static Result draw(Etalons etalons, ImageSet images, int[] labels, int[] rows, Palette palette, int zoom,
                       String title) {
        Network network = etalons.network();
        if (network.inputShape().rank() != 3) {
            throw new IllegalArgumentException("figures need image inputs (CxHxW); this model takes " + network.inputShape());
        }
        int channels = network.inputShape().dim(0);
        int height = network.inputShape().dim(1);
        int width = network.inputShape().dim(2);
        List<Neuron> outputs = Neuron.parse("output", network);
        ImageSet chosen = images.select(rows);
        List<ExplainedImage> answers = etalons.explainAll(chosen.pixels(), rows.length, etalons.neurons("output"),
                done -> { });
        List<FigureGrid.Row> gridRows = new ArrayList<>();
        List<Map<String, Object>> summary = new ArrayList<>();
        double worst = 0;
        for (int r = 0; r < rows.length; r++) {
            ExplainedImage explanation = answers.get(r);
            String caption = (labels == null ? "#" + rows[r] : "true " + labels[rows[r]]) + ", pred " + explanation.predicted();
            List<float[]> cells = new ArrayList<>();
            for (ExplainedNeuron etalon : explanation.neurons()) {
                cells.add(firstChannel(etalon.etalon(), channels, height, width));
            }
            gridRows.add(new FigureGrid.Row(firstChannel(chosen.image(r), channels, height, width), caption, cells));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("index", rows[r]);
            if (labels != null) {
                row.put("label", labels[rows[r]]);
            }
            row.put("predicted", explanation.predicted());
            row.put("scores", explanation.scores());
            row.put("maxResidual", explanation.maxResidual());
            row.put("maxRelativeResidual", explanation.maxRelativeResidual());
            row.put("poolTies", explanation.pattern().totalTies());
            summary.add(row);
            worst = Math.max(worst, explanation.maxRelativeResidual());
        }
        List<String> titles = outputs.stream().map(n -> String.valueOf(n.index())).toList();
        return new Result(FigureGrid.draw(title, titles, gridRows, height, width, zoom, palette), summary, worst);
    }

    /** Multi-channel inputs are shown by their first channel. */
    private static float[] firstChannel(float[] values, int channels, int height, int width) {
        return channels == 1 ? values : java.util.Arrays.copyOf(values, height * width);
    }
}
