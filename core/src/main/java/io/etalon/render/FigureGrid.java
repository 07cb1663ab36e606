package io.etalon.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
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
        int inputColumn = cell + 3 * GAP;
        int totalWidth = 2 * MARGIN + inputColumn + columns * (cell + GAP);
        int totalHeight = 2 * MARGIN + titleHeight + lineHeight + rows.size() * rowHeight;
        BufferedImage figure = new BufferedImage(totalWidth, totalHeight, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = figure.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, totalWidth, totalHeight);
            g.setColor(Color.BLACK);
            g.setFont(titleFont);
            g.drawString(title, MARGIN, MARGIN + titleFont.getSize());
            g.setFont(font);
            FontMetrics metrics = g.getFontMetrics();
            int top = MARGIN + titleHeight;
            centred(g, metrics, "input", MARGIN, cell, top + font.getSize());
            for (int c = 0; c < columns; c++) {
                centred(g, metrics, columnTitles.get(c), MARGIN + inputColumn + c * (cell + GAP), cell, top + font.getSize());
            }
            top += lineHeight;
            for (Row row : rows) {
                g.drawImage(Images.grey(row.input(), height, width, zoom), MARGIN, top, null);
                centred(g, metrics, row.caption(), MARGIN - GAP, cell + 2 * GAP, top + cell + font.getSize() + 2);
                for (int c = 0; c < row.etalons().size(); c++) {
                    g.drawImage(Images.signed(row.etalons().get(c), height, width, zoom, palette),
                            MARGIN + inputColumn + c * (cell + GAP), top, null);
                }
                top += rowHeight;
            }
        } finally {
            g.dispose();
        }
        return figure;
    }

    private static void centred(Graphics2D g, FontMetrics metrics, String text, int left, int width, int baseline) {
        g.drawString(text, left + (width - metrics.stringWidth(text)) / 2, baseline);
    }
}
