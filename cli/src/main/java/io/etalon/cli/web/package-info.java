/**
 * The local web page of {@code etalon serve}: draw a digit and watch its etalons, or, for a colour model, give a
 * photo and see its best classes and their heat maps. {@link io.etalon.cli.web.EtalonApi} is the JSON API (the same
 * code as the command line), {@link io.etalon.cli.web.PhotoPictures} turns a photo file into X and etalons into
 * pictures with core's reader, preprocessing and views, and {@link io.etalon.cli.web.EtalonServer} serves the API and
 * the bundled page on the JDK's HTTP server.
 */
package io.etalon.cli.web;
