package io.etalon.cli;

import io.etalon.render.Palette;
import java.util.Locale;

/** Checks of option values shared by several commands, each failing with a one-line message. */
final class Arguments {

    private Arguments() {
    }

    static Palette palette(String name) {
        try {
            return Palette.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown palette '" + name + "'; choose grey or diverging");
        }
    }

    static int zoom(int zoom) {
        if (zoom < 1 || zoom > 64) {
            throw new IllegalArgumentException("--zoom must be between 1 and 64, got " + zoom);
        }
        return zoom;
    }

    static int threads(int threads) {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("--threads must be between 1 and 1024, got " + threads);
        }
        return threads;
    }
}
