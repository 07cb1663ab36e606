package io.etalon.cli;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Charts for the study report, drawn with JFreeChart and embedded in the HTML as PNG data URIs. */
final class Charts {

    private Charts() {
    }

    /** Grouped bars: one group per category, one bar per series. */
    static String bars(String title, String axis, Map<String, Map<String, Double>> seriesByName) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        seriesByName.forEach((series, values) -> values.forEach((category, value) -> dataset.addValue(value, series, category)));
        JFreeChart chart = ChartFactory.createBarChart(title, null, axis, dataset, PlotOrientation.VERTICAL, true, false, false);
        return dataUri(style(chart).createBufferedImage(760, 340));
    }

    /** Lines through (x, y) points, one per series. */
    static String lines(String title, String xAxis, String yAxis, Map<String, List<int[]>> seriesByName) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        seriesByName.forEach((name, points) -> {
            XYSeries series = new XYSeries(name);
            points.forEach(point -> series.add(point[0], point[1]));
            dataset.addSeries(series);
        });
        JFreeChart chart = ChartFactory.createXYLineChart(title, xAxis, yAxis, dataset, PlotOrientation.VERTICAL, true, false, false);
        return dataUri(style(chart).createBufferedImage(760, 340));
    }

    private static JFreeChart style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getPlot().setBackgroundPaint(new Color(250, 250, 250));
        return chart;
    }

    static String dataUri(BufferedImage image) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(image, "png", bytes);
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes.toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
