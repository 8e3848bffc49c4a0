package dev.sinew.chaos.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link FaultProxy} as its own process: {@code FaultProxyMain <links.json> [api-port]}.
 * The API listens on 127.0.0.1 (default port 8474); the process stops cleanly on SIGTERM.
 */
public final class FaultProxyMain {

    private FaultProxyMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: FaultProxyMain <links.json> [api-port]");
            System.exit(2);
        }
        int apiPort = args.length == 2 ? Integer.parseInt(args[1]) : 8474;
        FaultProxy proxy = FaultProxy.start(ProxyConfigFile.read(Path.of(args[0])));
        ProxyApi api = ProxyApi.start(proxy, new InetSocketAddress("127.0.0.1", apiPort));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            proxy.close();
            stopped.countDown();
        }, "sinew-proxy-stop"));
        for (Link l : proxy.links()) {
            System.out.println("link " + l.name() + ": " + l.listenHost() + ":" + l.port() + " -> " + l.upstream());
        }
        System.out.println("fault proxy API on http://127.0.0.1:" + api.port() + "/links");
        stopped.await();
    }
}
