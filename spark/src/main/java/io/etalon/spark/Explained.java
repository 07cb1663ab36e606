package io.etalon.spark;

import io.etalon.etalon.Explanation;

/** An image with its explanation, as a partition's batches produce them. */
record Explained(Image image, Explanation explanation) {
}
