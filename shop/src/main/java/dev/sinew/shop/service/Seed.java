package dev.sinew.shop.service;

import java.util.List;

/** The seeded products, shared by catalog (name, price) and inventory (initial stock). */
public final class Seed {

    /** A seeded product. */
    public record Product(String id, String name, String category, long priceCents, int stock, int popularity) {
    }

    public static final List<Product> PRODUCTS = List.of(
            new Product("p-001", "Servo joint, small", "joints", 1_990, 500, 95),
            new Product("p-002", "Servo joint, large", "joints", 4_990, 300, 80),
            new Product("p-003", "Harmonic drive", "joints", 12_900, 120, 70),
            new Product("p-004", "Torque sensor", "sensors", 8_900, 200, 65),
            new Product("p-005", "Encoder, 17 bit", "sensors", 3_450, 400, 90),
            new Product("p-006", "Limit switch (pack of 4)", "sensors", 990, 1_000, 60),
            new Product("p-007", "Gripper, two finger", "tools", 15_900, 80, 85),
            new Product("p-008", "Vacuum gripper", "tools", 9_900, 150, 55),
            new Product("p-009", "Tool changer", "tools", 24_900, 40, 40),
            new Product("p-010", "Aluminium link, 300 mm", "structure", 2_900, 600, 75),
            new Product("p-011", "Carbon link, 500 mm", "structure", 6_900, 250, 50),
            new Product("p-012", "Base plate", "structure", 4_500, 300, 45),
            new Product("p-013", "Motor driver", "electronics", 5_900, 350, 88),
            new Product("p-014", "Motion controller", "electronics", 29_900, 60, 35),
            new Product("p-015", "Emergency stop", "electronics", 1_490, 800, 92),
            new Product("p-016", "Cable chain, 1 m", "accessories", 1_290, 700, 30),
            new Product("p-017", "Slip ring, 12 wire", "accessories", 3_900, 200, 25),
            new Product("p-018", "Calibration kit", "accessories", 7_900, 100, 20),
            new Product("p-019", "Vision camera", "sensors", 19_900, 5, 78),
            new Product("p-020", "Limited edition arm", "arms", 99_900, 3, 99));

    private Seed() {
    }
}
