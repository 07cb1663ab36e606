package io.etalon.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * The page a Figure 11 grid is drawn on ({@link FigureGrid} for digits, {@link PhotoGrid} for photos): white, a bold
 * title in the top-left corner, then rows of an input column followed by one column per neuron, each column
 * {@code cellWidth} wide and {@code gap} apart, the input column set off by two more gaps; text is centred under or
 * over its picture. Close it to release its graphics.
 *
 * <pre>{@code
 * try (Sheet sheet = new Sheet(Sheet.width(10, 4, 84, 10), 600, 10, 4, 84, "Figure 11", titleFont, font)) {
 *     sheet.picture(input, sheet.inputLeft(), top);
 *     sheet.centred("true 7, pred 7", sheet.inputLeft(), 84, top + 84 + 14);
 *     return sheet.image();
 * }
 * }</pre>
 */
final class Sheet implements AutoCloseable {

    private final BufferedImage image;
    private final Graphics2D graphics;
    private final FontMetrics metrics;
    private final int margin;
    private final int gap;
    private final int cellWidth;

    /**
     * The width of a sheet with an input column and {@code columns} neuron columns.
     *
     * @param margin blank pixels around the whole sheet
     */
    static int width(int margin, int gap, int cellWidth, int columns) {
        return 2 * margin + inputColumn(gap, cellWidth) + columns * (cellWidth + gap);
    }

    private static int inputColumn(int gap, int cellWidth) {
        return cellWidth + 3 * gap;
    }

    /**
     * A white sheet with {@code title} drawn in {@code titleFont} at the top-left margin; further text is drawn in
     * {@code font}.
     */
    Sheet(int width, int height, int margin, int gap, int cellWidth, String title, Font titleFont, Font font) {
        this.margin = margin;
        this.gap = gap;
        this.cellWidth = cellWidth;
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        graphics = image.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, width, height);
        graphics.setColor(Color.BLACK);
        graphics.setFont(titleFont);
        graphics.drawString(title, margin, margin + titleFont.getSize());
        graphics.setFont(font);
        metrics = graphics.getFontMetrics();
    }

    /** The left edge of the input column. */
    int inputLeft() {
        return margin;
    }

    /** The left edge of neuron column {@code column} (from 0). */
    int columnLeft(int column) {
        return margin + inputColumn(gap, cellWidth) + column * (cellWidth + gap);
    }

    /** Draws a picture with its top-left corner at {@code (left, top)}. */
    void picture(BufferedImage picture, int left, int top) {
        graphics.drawImage(picture, left, top, null);
    }

    /** Draws text centred in {@code [left, left + width)} on the baseline. */
    void centred(String text, int left, int width, int baseline) {
        graphics.drawString(text, left + (width - metrics.stringWidth(text)) / 2, baseline);
    }

    /** The text, or as much of it as fits {@code width} pixels followed by an ellipsis. */
    String fit(String text, int width) {
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (!cut.isEmpty() && metrics.stringWidth(cut + "…") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "…";
    }

    /** The sheet as drawn so far (not a copy). */
    BufferedImage image() {
        return image;
    }

    @Override
    public void close() {
        graphics.dispose();
    }
}
