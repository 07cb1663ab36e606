package io.etalon.render;

import java.awt.Font;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Figure 11 for photos: one row per photo, the photo as the network sees it in the first column, then one
 * {@link View} per explained neuron (by default the contribution over the dimmed photo) with its caption (class name
 * and score). Each row has one {@link ClipScale}, stated under its photo, so colours compare across a row; a legend
 * at the bottom says what the colours mean.
 *
 * <pre>{@code
 * PhotoGrid.Drawn figure = PhotoGrid.draw("SqueezeNet 1.1", List.of(new PhotoGrid.Row(cat, "chelsea.png",
 *         List.of(new PhotoGrid.Cell("tabby 14.2", w281)))), 224, 224, 1, View.BLEND, Palette.DIVERGING, 99);
 * }</pre>
 */
public final class PhotoGrid {

    /**
     * One explained neuron of a row.
     *
     * @param caption e.g. {@code tabby, tabby cat} and its score; a line break ({@code \n}) starts a second line
     * @param etalon  W, {@code (3, height, width)}; copied
     */
    public record Cell(String caption, float[] etalon) {
        public Cell {
            etalon = etalon.clone();
        }

        @Override
        public float[] etalon() {
            return etalon.clone();
        }
    }

    /**
     * One photo and its explained neurons.
     *
     * @param photo   X, {@code (3, height, width)} in {@code [0, 1]}; copied
     * @param caption e.g. the file name
     */
    public record Row(float[] photo, String caption, List<Cell> cells) {
        public Row {
            photo = photo.clone();
            cells = List.copyOf(cells);
        }

        @Override
        public float[] photo() {
            return photo.clone();
        }
    }

    /** The figure and the scale of each row, for the JSON summary. */
    public record Drawn(BufferedImage image, List<ClipScale> rowScales) {
        public Drawn {
            rowScales = List.copyOf(rowScales);
        }
    }

    private static final int GAP = 6;
    private static final int MARGIN = 10;

    private PhotoGrid() {
    }

    /**
     * Draws the figure.
     *
     * @param view       what each cell shows; {@link View#BLEND} is the contribution over the photo
     * @param palette    the signed palette of {@link View#HEAT}
     * @param percentile where each row's scale clips, e.g. {@link ClipScale#DEFAULT_PERCENTILE}
     */
    public static Drawn draw(String title, List<Row> rows, int height, int width, int zoom, View view, Palette palette,
                             double percentile) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("a photo figure needs at least one row");
        }
        int columns = rows.stream().mapToInt(r -> r.cells().size()).max().orElse(0);
        int cellWidth = width * zoom;
        int cellHeight = height * zoom;
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(12, Math.min(16, cellWidth / 16)));
        Font titleFont = font.deriveFont(Font.BOLD, font.getSize() + 3f);
        int line = font.getSize() + 4;
        int titleHeight = titleFont.getSize() + 12;
        int rowHeight = cellHeight + 2 * line + 2 * GAP;
        int figureWidth = Sheet.width(MARGIN, GAP, cellWidth, columns);

        List<ClipScale> scales = new ArrayList<>();
        List<List<BufferedImage>> pictures = new ArrayList<>();
        for (Row row : rows) {
            List<float[]> maps = new ArrayList<>();
            for (Cell cell : row.cells()) {
                maps.add(map(view, row.photo, cell.etalon, height, width));
            }
            ClipScale scale = ClipScale.shared(maps, percentile);
            scales.add(scale);
            List<BufferedImage> drawn = new ArrayList<>();
            for (float[] map : maps) {
                drawn.add(picture(view, map, row.photo, height, width, zoom, scale, palette));
            }
            pictures.add(drawn);
        }
        String scope = new ClipScale(percentile, 0).percentileName() + " of |values| of the row; its value under the photo";
        List<Legend.Entry> key = List.of(new Legend.Entry(view, palette, null, scope));
        BufferedImage legend = Legend.draw(key, figureWidth - 2 * MARGIN);
        int totalWidth = Math.max(figureWidth, legend.getWidth() + 2 * MARGIN);
        int totalHeight = 2 * MARGIN + titleHeight + rows.size() * rowHeight + legend.getHeight();

        try (Sheet sheet = new Sheet(totalWidth, totalHeight, MARGIN, GAP, cellWidth, title, titleFont, font)) {
            int top = MARGIN + titleHeight;
            for (int r = 0; r < rows.size(); r++) {
                Row row = rows.get(r);
                sheet.picture(Images.photo(row.photo, 3, height, width, zoom), sheet.inputLeft(), top);
                String scale = "scale ±" + Legend.number(scales.get(r).value());
                // the photo's caption may spread into the gaps beside it
                caption(sheet, row.caption() + "\n" + scale, sheet.inputLeft() - GAP, cellWidth + 2 * GAP,
                        top + cellHeight + GAP, line);
                for (int c = 0; c < row.cells().size(); c++) {
                    int left = sheet.columnLeft(c);
                    sheet.picture(pictures.get(r).get(c), left, top);
                    caption(sheet, row.cells().get(c).caption(), left, cellWidth, top + cellHeight + GAP, line);
                }
                top += rowHeight;
            }
            sheet.picture(legend, 0, top);
            return new Drawn(sheet.image(), scales);
        }
    }

    /** The map a view draws: the channel sum of W, or the contribution X (.) W summed over channels. */
    private static float[] map(View view, float[] photo, float[] etalon, int height, int width) {
        return switch (view) {
            case HEAT, ABS -> EtalonViews.channelSum(etalon, 3, height, width);
            case BLEND -> EtalonViews.contribution(photo, etalon, 3, height, width);
            case COLOUR -> etalon;
        };
    }

    private static BufferedImage picture(View view, float[] map, float[] photo, int height, int width, int zoom,
                                         ClipScale scale, Palette palette) {
        return switch (view) {
            case HEAT -> Images.heat(map, height, width, zoom, scale, palette);
            case ABS -> Images.magnitude(map, height, width, zoom, scale);
            case BLEND -> Images.blend(map, photo, 3, height, width, zoom, scale);
            case COLOUR -> Images.colourEtalon(map, height, width, zoom, scale);
        };
    }

    /** Up to two centred lines under a picture; text too wide for the cell is cut with an ellipsis. */
    private static void caption(Sheet sheet, String text, int left, int width, int top, int line) {
        String[] lines = text.split("\n", 2);
        for (int k = 0; k < lines.length; k++) {
            sheet.centred(sheet.fit(lines[k], width), left, width, top + (k + 1) * line - 4);
        }
    }
}
