package io.etalon.spark;

import java.io.Serializable;

/**
 * One input image on an executor.
 *
 * @param index  the image's number in its data set (its position in the IDX file, the sorted folder or the table)
 * @param name   the file it came from, or null when the index says it all
 * @param pixels the image in the model's input shape, row-major (not copied: images are made and read once)
 */
record Image(int index, String name, float[] pixels) implements Serializable {
}
