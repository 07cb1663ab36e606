package io.etalon.render;

/**
 * The pictures drawn of a colour etalon beside the paper's grey one, each named by the suffix of its file
 * ({@code logits-281-heat.png}). {@link Legend} says in words what their colours mean.
 */
public enum View {
    /** {@code sum_c W[c]} in a signed palette: {@link Images#heat}. */
    HEAT("heat"),
    /** {@code |sum_c W[c]|} in the sequential palette: {@link Images#magnitude}. */
    ABS("abs"),
    /** {@code sum_c X[c] * W[c]} over the dimmed photo: {@link Images#blend}. */
    BLEND("blend"),
    /** W itself, its three channels as red, green and blue around mid grey: {@link Images#colourEtalon}. */
    COLOUR("colour");

    private final String suffix;

    View(String suffix) {
        this.suffix = suffix;
    }

    /** The file-name suffix, e.g. {@code heat}. */
    public String suffix() {
        return suffix;
    }
}
