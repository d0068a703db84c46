package io.spillway.rehearsal;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The rehearsal's picture, drawn with Java2D (no tool to install): per-second series of both
 * designs on top, the distribution of time to result (share of buyers decided within t, log t)
 * below.
 */
final class Plot {

    record Series(String name, int[] values, Color color, boolean dashed) {}

    record Distribution(String name, List<Long> millis, Color color) {}

    private static final int WIDTH = 1200;
    private static final int PANEL = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 240;

    private Plot() {
    }

    static void write(Path file, String title, double openingSecond, List<Series> series,
            List<Distribution> distributions) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, 2 * PANEL + 80, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        drawSeries(g, 50, openingSecond, series);
        drawDistributions(g, 50 + PANEL + 30, distributions);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void drawSeries(Graphics2D g, int top, double openingSecond, List<Series> series) {
        int seconds = series.stream().mapToInt(s -> s.values().length).max().orElse(1);
        int max = Math.max(1, series.stream().flatMapToInt(s -> java.util.Arrays.stream(s.values())).max().orElse(1));
        int width = WIDTH - LEFT - RIGHT;
        int height = PANEL - 40;
        axes(g, top, width, height, "per second (opening dashed)", "s", seconds, max);
        float x0 = (float) (LEFT + width * openingSecond / seconds);
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
        g.drawLine((int) x0, top, (int) x0, top + height);
        int legend = top;
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(s.dashed()
                    ? new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0)
                    : new BasicStroke(2));
            int[] v = s.values();
            for (int i = 1; i < v.length; i++) {
                g.drawLine(LEFT + width * (i - 1) / seconds, top + height - height * v[i - 1] / max,
                        LEFT + width * i / seconds, top + height - height * v[i] / max);
            }
            g.drawLine(WIDTH - RIGHT + 15, legend + 6, WIDTH - RIGHT + 40, legend + 6);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), WIDTH - RIGHT + 45, legend + 10);
            legend += 18;
        }
    }

    private static void drawDistributions(Graphics2D g, int top, List<Distribution> distributions) {
        int width = WIDTH - LEFT - RIGHT;
        int height = PANEL - 40;
        long maxMillis = Math.max(10, distributions.stream().flatMap(d -> d.millis().stream()).mapToLong(Long::longValue)
                .max().orElse(10));
        double logMin = 1; // 10 ms
        double logMax = Math.log10(maxMillis) + 0.05;
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawRect(LEFT, top, width, height);
        g.drawString("share of buyers with a result within t (click to result, log t)", LEFT, top - 6);
        for (double decade = 1; decade <= logMax; decade++) {
            int x = LEFT + (int) (width * (decade - logMin) / (logMax - logMin));
            g.setColor(Color.LIGHT_GRAY);
            g.drawLine(x, top, x, top + height);
            g.setColor(Color.BLACK);
            long ms = Math.round(Math.pow(10, decade));
            g.drawString(ms >= 1000 ? (ms / 1000) + " s" : ms + " ms", x - 12, top + height + 14);
        }
        for (int pct = 0; pct <= 100; pct += 25) {
            int y = top + height - height * pct / 100;
            g.drawString(pct + " %", LEFT - 40, y + 4);
        }
        int legend = top;
        for (Distribution d : distributions) {
            List<Long> sorted = new ArrayList<>(d.millis());
            sorted.sort(null);
            g.setColor(d.color());
            g.setStroke(new BasicStroke(2));
            int lastX = LEFT;
            int lastY = top + height;
            for (int i = 0; i < sorted.size(); i++) {
                double log = Math.log10(Math.max(10, sorted.get(i)));
                int x = LEFT + (int) (width * (log - logMin) / (logMax - logMin));
                int y = top + height - (int) ((long) height * (i + 1) / sorted.size());
                g.drawLine(lastX, lastY, x, y);
                lastX = x;
                lastY = y;
            }
            g.drawLine(WIDTH - RIGHT + 15, legend + 6, WIDTH - RIGHT + 40, legend + 6);
            g.setColor(Color.BLACK);
            g.drawString(d.name() + " (" + sorted.size() + ")", WIDTH - RIGHT + 45, legend + 10);
            legend += 18;
        }
    }

    private static void axes(Graphics2D g, int top, int width, int height, String label, String unit, int seconds, int max) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawRect(LEFT, top, width, height);
        g.drawString(label, LEFT, top - 6);
        for (int s = 0; s <= seconds; s += Math.max(1, seconds / 12)) {
            int x = LEFT + width * s / seconds;
            g.drawString(s + " " + unit, x - 8, top + height + 14);
        }
        for (int i = 0; i <= 4; i++) {
            int y = top + height - height * i / 4;
            g.drawString(Integer.toString(max * i / 4), 8, y + 4);
        }
    }
}
