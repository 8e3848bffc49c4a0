package dev.sinew.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports on 127.0.0.1 for the embedded broker and for programs that start services beside it
 * (the shop's launcher and tests).
 *
 * <p>A port is chosen below the kernel's ephemeral range, where outgoing connections take their
 * local ports: a node that is stopped and started again on its port (a game day's kill, a test's
 * restart) would otherwise now and then find it taken by some client's connection. It is free when
 * returned; nothing reserves it, but this process never gets the same port twice (a program that
 * picks several ports before it binds them would otherwise now and then get one port twice).
 */
public final class FreePorts {

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    private static final int DEFAULT_EPHEMERAL_START = 32_768;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A port that nothing listens on now, outside the ephemeral range when the system allows. */
    public static int next() {
        int high = ephemeralStart() - 1;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (high - LOWEST >= 1_000) {
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = LOWEST + random.nextInt(high - LOWEST + 1);
                if (free(port) && GIVEN.add(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort(); // every port below the range taken, or a system without one: any free port
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port: " + e.getMessage(), e);
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the ephemeral range (Linux: ip_local_port_range), 32768 where it cannot be read. */
    static int ephemeralStart() {
        try {
            // readAllLines, not readString: /proc files report size 0, and readString then returns a fragment
            String[] range = Files.readAllLines(EPHEMERAL_RANGE, StandardCharsets.US_ASCII).get(0).trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_START;
        }
    }
}
