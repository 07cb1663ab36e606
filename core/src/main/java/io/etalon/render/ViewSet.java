package io.etalon.render;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link View}s of several etalons of one colour input drawn side by side, with one {@link ClipScale} per view
 * shared by all of them, so that the same colour means the same value in every picture of the set.
 *
 * <pre>{@code
 * ViewSet set = ViewSet.draw(x, List.of(w281, w285), 3, 224, 224, 2, Palette.DIVERGING, ClipScale.DEFAULT_PERCENTILE);
 * Images.writePng(set.pictures().get(0).get(View.HEAT), dir.resolve("logits-281-heat.png"));
 * }</pre>
 *
 * @param pictures per etalon (in the order given), its picture of each view
 * @param clips    the scale of each view
 */
public record ViewSet(List<Map<View, BufferedImage>> pictures, Map<View, ClipScale> clips) {

    public ViewSet {
        pictures = pictures.stream().map(m -> Map.copyOf(new EnumMap<>(m))).toList();
        clips = Map.copyOf(clips);
    }

    /**
     * Draws every view of every etalon.
     *
     * @param input      not modified; X, {@code (3, height, width)} in {@code [0, 1]}
     * @param etalons    not modified; each W, {@code (3, height, width)}
     * @param palette    the signed palette of the heat map
     * @param percentile the clip percentile of |values|, e.g. {@link ClipScale#DEFAULT_PERCENTILE}
     */
    public static ViewSet draw(float[] input, List<float[]> etalons, int height, int width, int zoom, Palette palette,
                               double percentile) {
        int channels = 3;
        List<float[]> heats = new ArrayList<>();
        List<float[]> contributions = new ArrayList<>();
        for (float[] weights : etalons) {
            heats.add(EtalonViews.channelSum(weights, channels, height, width));
            contributions.add(EtalonViews.contribution(input, weights, channels, height, width));
        }
        Map<View, ClipScale> clips = new EnumMap<>(View.class);
        clips.put(View.HEAT, ClipScale.shared(heats, percentile));
        clips.put(View.ABS, clips.get(View.HEAT));
        clips.put(View.BLEND, ClipScale.shared(contributions, percentile));
        clips.put(View.COLOUR, ClipScale.shared(etalons, percentile));
        List<Map<View, BufferedImage>> pictures = new ArrayList<>();
        for (int k = 0; k < etalons.size(); k++) {
            Map<View, BufferedImage> views = new EnumMap<>(View.class);
            views.put(View.HEAT, Images.heat(heats.get(k), height, width, zoom, clips.get(View.HEAT), palette));
            views.put(View.ABS, Images.magnitude(heats.get(k), height, width, zoom, clips.get(View.ABS)));
            views.put(View.BLEND, Images.blend(contributions.get(k), input, channels, height, width, zoom, clips.get(View.BLEND)));
            views.put(View.COLOUR, Images.colourEtalon(etalons.get(k), height, width, zoom, clips.get(View.COLOUR)));
            pictures.add(views);
        }
        return new ViewSet(pictures, clips);
    }

    /** The legend of these pictures, one block per view. */
    public List<Legend.Entry> legend(Palette palette, String scope) {
        List<Legend.Entry> entries = new ArrayList<>();
        for (View view : View.values()) {
            entries.add(new Legend.Entry(view, palette, clips.get(view), scope));
        }
        return entries;
    }
}
