package dev.sinew.shop.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard (grafana/sinew-shop-dashboard.json): valid JSON with the expected rows,
 * every query valid PromQL (promtool checks them as recording rules) that reads only contract
 * metrics.
 */
class DashboardTest {

    private final Path shop = ShopFiles.moduleDir();

    @TempDir
    Path tmp;

    @Test
    void isADashboardWithAQueryInEveryPanel() throws Exception {
        JsonNode dashboard = dashboard();
        assertThat(dashboard.path("uid").asText()).isEqualTo("sinew-shop");
        assertThat(dashboard.path("title").asText()).isNotBlank();
        Set<Integer> ids = new HashSet<>();
        List<String> rows = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id %s unique", panel.path("id")).isTrue();
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
                continue;
            }
            assertThat(panel.path("targets").size()).as("queries of panel %s", panel.path("title")).isPositive();
            assertThat(panel.path("gridPos").path("w").asInt()).as("width of %s", panel.path("title")).isBetween(1, 24);
        }
        assertThat(rows).hasSize(4);
    }

    @Test
    void readsOnlyContractMetricsAndCoversTheShop() throws Exception {
        Map<String, String> queries = queries(dashboard());
        Set<String> read = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        queries.forEach((where, expr) -> {
            Set<String> names = PromQlNames.of(expr);
            assertThat(names).as("metrics read by %s", where).isNotEmpty();
            for (String name : names) {
                read.add(name);
                if (!MetricContract.allows(name)) {
                    unknown.add(where + " reads " + name);
                }
            }
        });
        assertThat(unknown).isEmpty();
        assertThat(read).contains("http_server_requests_seconds_count", "http_server_requests_seconds_bucket",
                "sinew_breaker_state", "sinew_budget_remaining", "sinew_outbox_lag_rows",
                "sinew_outbox_lag_oldest_seconds", "sinew_outbox_dead_letters", "jvm_memory_used_bytes",
                "shop_orders_awaiting_inventory_oldest_seconds");
    }

    @Test
    void everyQueryIsValidPromQl() throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (String expr : queries(dashboard()).values()) {
            String concrete = expr.replace("$__rate_interval", "5m").replace("$__interval", "1m").replace("$service", ".*");
            if (concrete.startsWith("label_values(")) {
                continue; // a Grafana template function, not PromQL; its metric is checked above
            }
            rules.append("      - record: dashboard:query").append(n++).append("\n        expr: |\n");
            concrete.lines().forEach(l -> rules.append("          ").append(l).append('\n'));
        }
        assertThat(n).isGreaterThan(20);
        Files.writeString(tmp.resolve("dashboard.rules.yml"), rules);
        Promtool.require().succeed(tmp, "check", "rules", "dashboard.rules.yml");
    }

    @Test
    void metricNamesAreFoundInPromQl() {
        assertThat(PromQlNames.of("histogram_quantile(0.99, sum by (le, route) (rate(a_bucket{x=\"b_c\",y=~\"5..\"}[5m])))"
                + " / on (route) group_left (z) b_total offset 5m > bool 1e3 and count without (i) (c:recorded:rate5m)"
                + " * 4 * 3600 + max by (service) (d{s=~\"$service\"}[$__rate_interval]) or label_values(e, service) + label_values(job)"))
                .containsExactlyInAnyOrder("a_bucket", "b_total", "c:recorded:rate5m", "d", "e");
        assertThat(MetricContract.allows("sinew_breaker_state")).isTrue();
        assertThat(MetricContract.allows("sinew_breaker_open")).isFalse();
    }

    private JsonNode dashboard() throws Exception {
        return new ObjectMapper().readTree(Files.readString(shop.resolve(ShopFiles.DASHBOARD)));
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            all.add(panel);
            panel.path("panels").forEach(all::add); // collapsed rows keep their panels inside
        }
        assertThat(all).isNotEmpty();
        return all;
    }

    /** Every PromQL text in the dashboard, keyed by where it is: panel queries and template variables. */
    private static Map<String, String> queries(JsonNode dashboard) {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                queries.put("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                JsonNode q = variable.path("query");
                queries.put("variable " + variable.path("name").asText(), q.isObject() ? q.path("query").asText() : q.asText());
            }
        }
        for (JsonNode annotation : dashboard.path("annotations").path("list")) {
            if (annotation.has("expr")) {
                queries.put("annotation " + annotation.path("name").asText(), annotation.path("expr").asText());
            }
        }
        return queries;
    }
}
