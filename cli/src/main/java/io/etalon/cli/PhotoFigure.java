package io.etalon.cli;

import io.etalon.data.ClassNames;
import io.etalon.data.ImageSet;
import io.etalon.etalon.Etalon;
import io.etalon.etalon.Explainer;
import io.etalon.etalon.Explanation;
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
     * Explains and draws.
     *
     * @param photos     {@code (count, 3, H, W)} in {@code [0, 1]}, as the network sees them
     * @param photoNames one caption per photo, e.g. its file name
     * @param names      class names, or null to caption by neuron
     */
    static Result draw(Explainer explainer, ImageSet photos, List<String> photoNames, NeuronSelection neurons,
                       ClassNames names, View view, Palette palette, double percentile, int zoom, String title) {
        Network network = explainer.network();
        if (!ColourViews.applies(network.inputShape())) {
            throw new IllegalArgumentException("photo figures need a model of colour images (3xHxW); this model takes "
                    + network.inputShape() + "; give --images IDX for the grey figure");
        }
        int height = network.inputShape().dim(1);
        int width = network.inputShape().dim(2);
        Explanation[] explanations = explainer.explainAll(photos.pixels(), photos.count(), neurons, done -> { });
        List<PhotoGrid.Row> gridRows = new ArrayList<>();
        List<Map<String, Object>> summary = new ArrayList<>();
        double worst = 0;
        for (int r = 0; r < photos.count(); r++) {
            Explanation explanation = explanations[r];
            List<PhotoGrid.Cell> cells = new ArrayList<>();
            List<Map<String, Object>> columns = new ArrayList<>();
            for (Etalon etalon : explanation.etalons()) {
                String className = ExplainCommand.className(network, names, etalon.neuron());
                String label = className == null ? etalon.neuron().id() : className;
                cells.add(new PhotoGrid.Cell(label + "\n" + String.format(Locale.ROOT, "score %.2f", etalon.score()),
                        etalon.weights()));
                Map<String, Object> column = new LinkedHashMap<>();
                column.put("neuron", etalon.neuron().id());
                column.put("index", etalon.neuron().index());
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
            if (names != null) {
                row.put("predictedClass", names.name(explanation.predicted()));
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
