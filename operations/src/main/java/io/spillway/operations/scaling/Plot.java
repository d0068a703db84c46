package io.spillway.operations.scaling;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * A two-panel line chart (lag above, replicas below, shared time axis) drawn with Java2D, so the
 * simulator's picture needs nothing but the JDK. Enough for the docs, not a charting library.
 */
final class Plot {

    /** One run to draw, with its legend label. */
    record Series(String label, List<ScalingSimulator.Sample> samples) {}

    private static final Color[] COLORS = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd)
    };
    private static final int WIDTH = 1000;
    private static final int PANEL = 280;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int GAP = 50;

    private Plot() {}

    static void write(Path file, String title, List<Series> series) throws IOException {
        int height = TOP + PANEL + GAP + PANEL + 60;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 25);
        long seconds = series.stream().mapToLong(s -> s.samples().size()).max().orElse(1);
        double maxLag = series.stream().flatMap(s -> s.samples().stream()).mapToDouble(ScalingSimulator.Sample::lag).max().orElse(1);
        double maxReplicas = series.stream().flatMap(s -> s.samples().stream()).mapToDouble(ScalingSimulator.Sample::replicas).max().orElse(1);
        panel(g, TOP, "lag (orders)", seconds, niceCeiling(maxLag), series, ScalingSimulator.Sample::lag);
        panel(g, TOP + PANEL + GAP, "replicas", seconds, Math.max(5, 5 * Math.ceil((maxReplicas + 1) / 5.0)), series,
                ScalingSimulator.Sample::replicas);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.BLACK);
        g.drawString("seconds since the sale opened", LEFT + (WIDTH - LEFT - RIGHT) / 2 - 80, height - 15);
        for (int i = 0; i < series.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            g.fillRect(WIDTH - RIGHT - 400, TOP + 10 + i * 18, 14, 4);
            g.drawString(series.get(i).label(), WIDTH - RIGHT - 380, TOP + 16 + i * 18);
        }
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int top, String label, long seconds, double maxY, List<Series> series,
            ToDoubleFunction<ScalingSimulator.Sample> value) {
        int width = WIDTH - LEFT - RIGHT;
        g.setColor(new Color(0xeeeeee));
        g.setStroke(new BasicStroke(1));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i <= 5; i++) {
            int y = top + PANEL - i * PANEL / 5;
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(LEFT, y, LEFT + width, y);
            g.setColor(Color.DARK_GRAY);
            String tick = String.format("%,.0f", maxY * i / 5);
            g.drawString(tick, LEFT - 8 - g.getFontMetrics().stringWidth(tick), y + 4);
        }
        long step = Math.max(1, niceCeiling(seconds / 10.0) > seconds ? seconds / 10 : (long) niceCeiling(seconds / 10.0));
        for (long s = 0; s <= seconds; s += step) {
            int x = LEFT + (int) (width * s / (double) seconds);
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(x, top, x, top + PANEL);
            g.setColor(Color.DARK_GRAY);
            g.drawString(Long.toString(s), x - 8, top + PANEL + 15);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, top, width, PANEL);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        g.drawString(label, LEFT + 5, top - 6);
        g.setStroke(new BasicStroke(2));
        for (int i = 0; i < series.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            List<ScalingSimulator.Sample> samples = series.get(i).samples();
            int px = -1;
            int py = -1;
            for (ScalingSimulator.Sample sample : samples) {
                int x = LEFT + (int) (width * sample.second() / (double) seconds);
                int y = top + PANEL - (int) (PANEL * value.applyAsDouble(sample) / maxY);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
    }

    private static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= value) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }
}
