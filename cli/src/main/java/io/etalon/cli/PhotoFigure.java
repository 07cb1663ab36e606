package io.etalon.cli;

import io.etalon.api.Etalons;
import io.etalon.api.ExplainedImage;
import io.etalon.api.ExplainedNeuron;
import io.etalon.data.ImageSet;
import io.etalon.etalon.NeuronSelection;
import io.etalon.graph.Network;
import io.etalon.render.Palette;
import io.etalon.render.PhotoGrid;
import io.etalon.render.View;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figure 11 for photos: one row per photo, the photo as the network sees it, then one {@link View} (by default the
 * contribution over the dimmed photo) per chosen neuron, typically its best classes ({@code top:3}), captioned with
 * class name and score; one clip scale per row. Used by {@code etalon figure --image}.
 */
final class PhotoFigure {

    /** The picture and what it shows, for the JSON summary. */
    record Result(BufferedImage image, List<Map<String, Object>> rows, double maxRelativeResidual) {
    }

    private PhotoFigure() {
    }

    /**
     * Explains, through the library's front door, and draws.
     *
     * @param etalons    the model, taking X, with class names for the captions or without (then captioned by neuron)
     * @param photos     {@code (count, 3, H, W)} in {@code [0, 1]}, as the network sees them
     * @param photoNames one caption per photo, e.g. its file name
     */
    static Result draw(Etalons etalons, ImageSet photos, List<String> photoNames, NeuronSelection neurons, View view,
                       Palette palette, double percentile, int zoom, String title) {
        Network network = etalons.network();
        if (!ColourViews.applies(network.inputShape())) {
            throw new IllegalArgumentException("photo figures need a model of colour images (3xHxW); this model takes "
                    + network.inputShape() + "; give --images IDX for the grey figure");
        }
        int height = network.inputShape().dim(1);
        int width = network.inputShape().dim(2);
        List<ExplainedImage> answers = etalons.explainAll(photos.pixels(), photos.count(), neurons, done -> { });
        List<PhotoGrid.Row> gridRows = new ArrayList<>();
        List<Map<String, Object>> summary = new ArrayList<>();
        double worst = 0;
        for (int r = 0; r < photos.count(); r++) {
            ExplainedImage explanation = answers.get(r);
            List<PhotoGrid.Cell> cells = new ArrayList<>();
            List<Map<String, Object>> columns = new ArrayList<>();
            for (ExplainedNeuron etalon : explanation.neurons()) {
                String className = etalon.className();
                String label = className == null ? etalon.neuron() : className;
                cells.add(new PhotoGrid.Cell(label + "\n" + String.format(Locale.ROOT, "score %.2f", etalon.score()),
                        etalon.etalon()));
                Map<String, Object> column = new LinkedHashMap<>();
                column.put("neuron", etalon.neuron());
                column.put("index", etalon.index());
                if (className != null) {
                    column.put("class", className);
                }
                column.put("score", etalon.score());
                column.put("bias", etalon.bias());
                column.put("residual", etalon.residual());
                column.put("relativeResidual", etalon.relativeResidual());
                columns.add(column);
            }
            gridRows.add(new PhotoGrid.Row(photos.image(r), photoNames.get(r), cells));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("image", photoNames.get(r));
            row.put("predicted", explanation.predicted());
            if (explanation.predictedClass() != null) {
                row.put("predictedClass", explanation.predictedClass());
            }
            row.put("columns", columns);
            row.put("maxResidual", explanation.maxResidual());
            row.put("maxRelativeResidual", explanation.maxRelativeResidual());
            row.put("poolTies", explanation.pattern().totalTies());
            summary.add(row);
            worst = Math.max(worst, explanation.maxRelativeResidual());
        }
        PhotoGrid.Drawn drawn = PhotoGrid.draw(title, gridRows, height, width, zoom, view, palette, percentile);
        for (int r = 0; r < summary.size(); r++) {
            summary.get(r).put("clipScale", drawn.rowScales().get(r).value());
        }
        return new Result(drawn.image(), summary, worst);
    }
}
