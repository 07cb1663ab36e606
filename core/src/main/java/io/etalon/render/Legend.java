package io.etalon.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A legend for the {@link View}s: per view a title, a colour bar with its end values, and words saying what each
 * colour means and where the scale was clipped. Drawn as its own picture ({@code legend.png}) or at the bottom of a
 * figure.
 */
public final class Legend {

    /**
     * One block of the legend.
     *
     * @param view    which picture it explains
     * @param palette the signed palette of {@link View#HEAT} (ignored by the others)
     * @param clip    the scale the pictures were drawn with, or {@code null} when each row of a figure has its own
     *                (stated beside the row); the scope then says how it was chosen
     * @param scope   what shares that scale, e.g. {@code all neurons of layer logits}, or empty
     */
    public record Entry(View view, Palette palette, ClipScale clip, String scope) {
    }

    private static final int MARGIN = 10;
    private static final int BAR_WIDTH = 300;
    private static final int BAR_HEIGHT = 14;

    private Legend() {
    }

    /** The words of one entry, first line the title: what the picture shows, what its colours mean, its clip. */
    public static List<String> words(Entry entry) {
        List<String> lines = new ArrayList<>();
        String clip = clipText(entry);
        String scope = entry.scope() == null || entry.scope().isEmpty() ? "" : entry.scope();
        String where = entry.clip() == null ? scope
                : entry.clip().percentileName() + " of |values|" + (scope.isEmpty() ? "" : ", " + scope);
        switch (entry.view()) {
            case HEAT -> {
                lines.add("heat: the etalon summed over R, G, B (how the score moves when a pixel brightens)");
                if (entry.palette() == Palette.GREY) {
                    lines.add("white: brightening the pixel raises the score (attention)");
                    lines.add("black: brightening it lowers the score (ignoring); mid grey: no effect");
                } else {
                    lines.add("red: brightening the pixel raises the score (attention)");
                    lines.add("blue: brightening it lowers the score (ignoring); white: no effect");
                }
                lines.add("full colour at ±" + clip + " and beyond (" + where + ")");
            }
            case ABS -> {
                lines.add("abs: |heat|, how strongly a pixel moves the score, either way");
                lines.add("white: not at all; deep violet: strongly");
                lines.add("full colour at " + clip + " and beyond (" + where + ")");
            }
            case BLEND -> {
                lines.add("blend: pixel value x etalon summed over R, G, B, over the photo (greyed, dimmed)");
                lines.add("red: the pixel adds to the score; blue: it takes away; photo showing: little either way");
                lines.add("the map adds up to score - bias; full colour at ±" + clip + " and beyond (" + where + ")");
            }
            case COLOUR -> {
                lines.add("colour: the etalon's R, G, B channels, each around mid grey on one scale");
                lines.add("redder than grey: more red raises the score; greener, bluer: likewise");
                lines.add("darker than grey in a channel: more of it lowers the score");
                lines.add("full colour at ±" + clip + " and beyond (" + where + ")");
            }
            default -> throw new IllegalStateException("no words for view " + entry.view());
        }
        return lines;
    }

    /**
     * The legend of the given entries, one block under the other, at least {@code width} pixels wide and wider when
     * its words need it.
     */
    public static BufferedImage draw(List<Entry> entries, int width) {
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        Font bold = font.deriveFont(Font.BOLD);
        int line = font.getSize() + 5;
        int height = 2 * MARGIN;
        int total = Math.max(width, BAR_WIDTH + 16 + 2 * MARGIN);
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D measure = scratch.createGraphics();
        try {
            for (Entry entry : entries) {
                height += blockHeight(entry, line);
                List<String> lines = words(entry);
                for (int k = 0; k < lines.size(); k++) {
                    FontMetrics metrics = measure.getFontMetrics(k == 0 ? bold : font);
                    total = Math.max(total, metrics.stringWidth(lines.get(k)) + 2 * MARGIN);
                }
            }
        } finally {
            measure.dispose();
        }
        BufferedImage image = new BufferedImage(total, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, total, height);
            int top = MARGIN;
            for (Entry entry : entries) {
                drawBlock(g, entry, MARGIN, top, font, bold, line);
                top += blockHeight(entry, line);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static int blockHeight(Entry entry, int line) {
        int bars = entry.view() == View.COLOUR ? 3 : 1;
        return words(entry).size() * line + bars * (BAR_HEIGHT + 2) + line + 8;
    }

    private static void drawBlock(Graphics2D g, Entry entry, int left, int top, Font font, Font bold, int line) {
        List<String> lines = words(entry);
        g.setColor(Color.BLACK);
        g.setFont(bold);
        g.drawString(lines.get(0), left, top + font.getSize());
        int y = top + line;
        g.setFont(font);
        FontMetrics metrics = g.getFontMetrics();
        String[] channels = {"R", "G", "B"};
        int bars = entry.view() == View.COLOUR ? 3 : 1;
        int barLeft = left + (bars == 3 ? 16 : 0);
        for (int b = 0; b < bars; b++) {
            for (int x = 0; x < BAR_WIDTH; x++) {
                double u = entry.view() == View.ABS ? x / (BAR_WIDTH - 1.0) : 2 * x / (BAR_WIDTH - 1.0) - 1;
                g.setColor(new Color(barRgb(entry, b, u)));
                g.fillRect(barLeft + x, y, 1, BAR_HEIGHT);
            }
            g.setColor(Color.GRAY);
            g.drawRect(barLeft, y, BAR_WIDTH - 1, BAR_HEIGHT - 1);
            if (bars == 3) {
                g.setColor(Color.BLACK);
                g.drawString(channels[b], left, y + BAR_HEIGHT - 2);
            }
            y += BAR_HEIGHT + 2;
        }
        g.setColor(Color.BLACK);
        String clip = entry.clip() == null ? "scale" : number(entry.clip().value());
        String half = entry.clip() == null ? "scale / 2" : number(entry.clip().value() / 2);
        String low = entry.view() == View.ABS ? "0" : "-" + clip;
        String middle = entry.view() == View.ABS ? half : "0";
        String high = (entry.view() == View.ABS ? "" : "+") + clip;
        int baseline = y + font.getSize();
        g.drawString(low, barLeft, baseline);
        g.drawString(middle, barLeft + (BAR_WIDTH - metrics.stringWidth(middle)) / 2, baseline);
        g.drawString(high, barLeft + BAR_WIDTH - metrics.stringWidth(high), baseline);
        y += line;
        for (int k = 1; k < lines.size(); k++) {
            g.drawString(lines.get(k), left, y + font.getSize());
            y += line;
        }
    }

    /** The colour of bar {@code bar} of an entry at position {@code u} ({@code [-1, 1]}, or {@code [0, 1]} for ABS). */
    private static int barRgb(Entry entry, int bar, double u) {
        return switch (entry.view()) {
            case HEAT -> entry.palette().rgb(u);
            case ABS -> SequentialPalette.rgb(u);
            case BLEND -> Images.blendRgb((Images.DIM_LOW + Images.DIM_HIGH) / 2, u);
            case COLOUR -> {
                int level = Images.level(127.5 + 127.5 * u);
                int[] rgb = {128, 128, 128};
                rgb[bar] = level;
                yield (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
            }
        };
    }

    private static String clipText(Entry entry) {
        return entry.clip() == null ? "the row's scale" : number(entry.clip().value());
    }

    /** A value for people: three significant digits. */
    static String number(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }
}
