/**
 * Data in and out: MNIST's IDX files (gzip or plain) and PNG images as {@link io.etalon.data.ImageSet}s with pixels in
 * {@code [0, 1]}, photos (JPEG, PNG, BMP) as {@link io.etalon.data.Photo}s read by {@link io.etalon.data.PhotoReader}
 * and made into a model's input by a {@link io.etalon.data.Preprocessing} (resize as PIL, centre crop as
 * torchvision), and NumPy {@code .npy} arrays for etalons. Readers never trust a header for allocation and report
 * bad content as a one-line {@link io.etalon.data.DataFormatException}.
 */
package io.etalon.data;
