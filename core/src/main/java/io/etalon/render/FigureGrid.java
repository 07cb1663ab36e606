package io.etalon.render;

import java.awt.Font;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The paper's Figure 11: one row per input, its image in the first column with a caption (true and predicted
 * label), then one etalon per neuron; a header names the neurons. Every cell has its own symmetric scale.
 */
public final class FigureGrid {

    /**
     * One row of the grid.
     *
     * @param input   the input image, pixels in {@code [0, 1]}, {@code (height, width)}
     * @param caption text under the input, e.g. {@code true 7, pred 7}
     * @param etalons one etalon per column, each {@code (height, width)}
     */
    public record Row(float[] input, String caption, List<float[]> etalons) {
        public Row {
            input = input.clone();
            etalons = etalons.stream().map(float[]::clone).toList();
        }
    }

    private static final int GAP = 4;
    private static final int MARGIN = 10;

    private FigureGrid() {
    }

    /**
     * Draws the grid.
     *
     * @param columnTitles one title per etalon column, e.g. neuron names
     * @param zoom         pixels per input pixel
     */
    public static BufferedImage draw(String title, List<String> columnTitles, List<Row> rows, int height, int width,
                                     int zoom, Palette palette) {
        int cell = Math.max(height, width) * zoom;
        int columns = columnTitles.size();
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(11, cell / 8));
        Font titleFont = font.deriveFont(Font.BOLD, font.getSize() + 3f);
        int lineHeight = font.getSize() + 6;
        int titleHeight = titleFont.getSize() + 10;
        int rowHeight = cell + lineHeight + GAP;
        int totalWidth = Sheet.width(MARGIN, GAP, cell, columns);
        int totalHeight = 2 * MARGIN + titleHeight + lineHeight + rows.size() * rowHeight;
        try (Sheet sheet = new Sheet(totalWidth, totalHeight, MARGIN, GAP, cell, title, titleFont, font)) {
            int top = MARGIN + titleHeight;
            sheet.centred("input", sheet.inputLeft(), cell, top + font.getSize());
            for (int c = 0; c < columns; c++) {
                sheet.centred(columnTitles.get(c), sheet.columnLeft(c), cell, top + font.getSize());
            }
            top += lineHeight;
            for (Row row : rows) {
                sheet.picture(Images.grey(row.input(), height, width, zoom), sheet.inputLeft(), top);
                // the input's caption may spread into the gaps beside it
                sheet.centred(row.caption(), sheet.inputLeft() - GAP, cell + 2 * GAP, top + cell + font.getSize() + 2);
                for (int c = 0; c < row.etalons().size(); c++) {
                    sheet.picture(Images.signed(row.etalons().get(c), height, width, zoom, palette), sheet.columnLeft(c), top);
                }
                top += rowHeight;
            }
            return sheet.image();
        }
    }
}
