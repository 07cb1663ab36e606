package io.etalon.cli;

import java.util.ArrayList;
import java.util.List;

/** Parses image index lists such as {@code 0,5,10-20} (ranges inclusive). */
final class Indices {

    private Indices() {
    }

    static int[] parse(String text, int count) {
        List<Integer> indices = new ArrayList<>();
        for (String part : text.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int dash = item.indexOf('-', 1);
            int from;
            int to;
            try {
                from = Integer.parseInt(dash < 0 ? item : item.substring(0, dash).trim());
                to = dash < 0 ? from : Integer.parseInt(item.substring(dash + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("image index '" + item + "' is not a number or range; write e.g. 0,5,10-20");
            }
            if (from < 0 || to < from) {
                throw new IllegalArgumentException("image index range '" + item + "' is empty or negative; write e.g. 10-20");
            }
            if (to >= count) {
                throw new IllegalArgumentException("image index " + to + " is out of range: the file has " + count
                        + " images (0.." + (count - 1) + ")");
            }
            for (int i = from; i <= to; i++) {
                indices.add(i);
            }
        }
        if (indices.isEmpty()) {
            throw new IllegalArgumentException("no image indices given; write e.g. --index 0,5,10-20");
        }
        return indices.stream().mapToInt(Integer::intValue).toArray();
    }
}
