package dev.sinew.chaos.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyApiTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private EchoServer echo;
    private FaultProxy proxy;
    private ProxyApi api;

    @BeforeEach
    void start() throws IOException {
        echo = new EchoServer();
        proxy = FaultProxy.start(List.of(LinkConfig.of("payment", "127.0.0.1", echo.port())));
        api = ProxyApi.start(proxy, new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop() throws IOException {
        api.close();
        proxy.close();
        echo.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listsLinks() throws Exception {
        HttpResponse<String> r = send("GET", "/links", null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode links = json.readTree(r.body());
        assertThat(links).hasSize(1);
        assertThat(links.get(0).get("name").asText()).isEqualTo("payment");
        assertThat(links.get(0).get("upstream").asText()).isEqualTo("127.0.0.1:" + echo.port());
        assertThat(links.get(0).get("listen").asText()).endsWith(":" + proxy.link("payment").orElseThrow().port());
    }

    @Test
    void postSetsFaultsAndDeleteClearsThem() throws Exception {
        HttpResponse<String> r = send("POST", "/links/payment/faults", "{\"latency-ms\": 200, \"jitter-ms\": 20}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json.readTree(r.body()).get("faults").get("latency-ms").asLong()).isEqualTo(200);
        assertThat(proxy.link("payment").orElseThrow().faults()).isEqualTo(new LinkFaults(200, 20, 0, false, false, 0, false));

        r = send("DELETE", "/links/payment/faults", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(proxy.link("payment").orElseThrow().faults()).isEqualTo(LinkFaults.NONE);
    }

    @Test
    void malformedJsonIs400WithAJsonReason() throws Exception {
        HttpResponse<String> r = send("POST", "/links/payment/faults", "{\"latency-ms\": ");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(json.readTree(r.body()).get("error").asText()).contains("malformed JSON", "line 1");
        assertThat(proxy.link("payment").orElseThrow().faults()).isEqualTo(LinkFaults.NONE);
    }

    @Test
    void unknownOrBadFaultsAre400NamingTheKey() throws Exception {
        HttpResponse<String> r = send("POST", "/links/payment/faults", "{\"latncy-ms\": 5}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json.readTree(r.body()).get("error").asText()).contains("latncy-ms", "latency-ms");

        r = send("POST", "/links/payment/faults", "{\"down\": \"yes\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json.readTree(r.body()).get("error").asText()).contains("down", "true or false");

        r = send("POST", "/links/payment/faults", "{\"bandwidth\": -1}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json.readTree(r.body()).get("error").asText()).contains("bandwidth", "negative");

        r = send("POST", "/links/payment/faults", "[1]");
        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void unknownLinkIs404AndWrongMethodIs405() throws Exception {
        HttpResponse<String> r = send("POST", "/links/nope/faults", "{}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json.readTree(r.body()).get("error").asText()).contains("nope");
        assertThat(send("DELETE", "/links", null).statusCode()).isEqualTo(405);
        assertThat(send("GET", "/links/payment/other", null).statusCode()).isEqualTo(404);
    }

    @Test
    void configFileListsLinksAndRejectsBadOnes() {
        List<LinkConfig> links = ProxyConfigFile.parse("proxy.json", """
                {"links": [
                  {"name": "payment", "listen": "127.0.0.1:18081", "upstream": "localhost:8081"},
                  {"name": "catalog", "listen": "0", "upstream": "localhost:8082", "faults": {"blackhole": true}}
                ]}
                """);
        assertThat(links).containsExactly(
                new LinkConfig("payment", "127.0.0.1", 18081, "localhost", 8081, LinkFaults.NONE),
                new LinkConfig("catalog", "127.0.0.1", 0, "localhost", 8082, new LinkFaults(0, 0, 0, true, false, 0, false)));

        assertThatThrownBy(() -> ProxyConfigFile.parse("proxy.json", "{\"links\": [\n {\"name\": \"a\",,}]}"))
                .hasMessageContaining("proxy.json line 2");
        assertThatThrownBy(() -> ProxyConfigFile.parse("proxy.json", "{\"links\": [{\"name\": \"a\", \"upstream\": \"nohost\"}]}"))
                .hasMessageContaining("link 'a' upstream must be host:port");
        assertThatThrownBy(() -> ProxyConfigFile.parse("proxy.json", "{\"links\": [{\"name\": \"a\", \"upstream\": \"h:1\", \"faults\": {\"slow\": 1}}]}"))
                .hasMessageContaining("link 'a'").hasMessageContaining("unknown fault 'slow'");
        assertThatThrownBy(() -> ProxyConfigFile.parse("proxy.json", "{\"links\": [{\"name\": \"a\", \"upstream\": \"h:1\", \"lisen\": \"1\"}]}"))
                .hasMessageContaining("unknown key 'lisen'");
    }
}
