package dev.sinew.shop.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shop's Prometheus rules (alerts/sinew-shop.rules.yml and the demo variant): promtool accepts
 * them, their promtool unit tests (src/test/alerts) pass, every alert is tested firing, every
 * alert says where and what, and the rules read only contract metrics.
 */
class AlertRulesTest {

    private final Path shop = ShopFiles.moduleDir();

    @Test
    void promtoolAcceptsTheRules() throws Exception {
        String out = Promtool.require().succeed(shop, "check", "rules", ShopFiles.RULES, ShopFiles.DEMO_RULES);
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void promtoolUnitTestsPass() throws Exception {
        Path dir = shop.resolve(ShopFiles.RULE_TESTS);
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        args.addAll(testFiles().stream().map(p -> p.getFileName().toString()).toList());
        assertThat(args).hasSizeGreaterThan(2);
        String out = Promtool.require().succeed(dir, args.toArray(String[]::new));
        assertThat(out).doesNotContain("FAILED");
    }

    @Test
    void everyAlertHasAUnitTestThatFiresIt() throws Exception {
        Set<String> fired = new TreeSet<>();
        for (Path file : testFiles()) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).trim();
                if (!line.startsWith("- alertname:")) {
                    continue;
                }
                String name = line.substring("- alertname:".length()).trim();
                for (int j = i + 1; j < lines.size(); j++) {
                    String next = lines.get(j).trim();
                    if (next.startsWith("exp_alerts:")) {
                        if (!next.endsWith("[]")) {
                            fired.add(name);
                        }
                        break;
                    }
                }
            }
        }
        assertThat(fired).containsAll(alertNames());
    }

    @Test
    void everyAlertNamesWhereWhatHowBadAndWhatToDo() throws Exception {
        List<String> problems = new ArrayList<>();
        for (RuleFileText.Rule alert : alerts()) {
            String t = alert.text();
            if (!t.matches("(?s).*\\n\\s*severity: (page|ticket)\\n.*")) {
                problems.add(alert.name() + ": no severity page/ticket");
            }
            if (!t.contains("summary: \"{{ $labels.service }}") && !t.contains("summary: \"[demo] {{ $labels.service }}")) {
                problems.add(alert.name() + ": summary does not start with the service");
            }
            boolean perInstance = t.contains("{{ $labels.instance }}");
            boolean perRoute = t.contains("{{ $labels.route }}") && t.contains("(all instances)");
            if (!perInstance && !perRoute) {
                problems.add(alert.name() + ": names neither the instance nor the route over all instances");
            }
            if (!t.contains("$value")) {
                problems.add(alert.name() + ": does not show the value");
            }
            if (!t.contains("runbook: \"") || !t.contains("docs/ALERTS.md#" + alert.name().toLowerCase())
                    && !t.contains("docs/ALERTS.md#demo")) {
                problems.add(alert.name() + ": no runbook hint linking docs/ALERTS.md#" + alert.name().toLowerCase());
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void rulesReadOnlyContractMetricsAndTheirOwnRecordings() throws Exception {
        for (String file : List.of(ShopFiles.RULES, ShopFiles.DEMO_RULES)) {
            List<RuleFileText.Rule> rules = RuleFileText.rules(shop.resolve(file));
            Set<String> recorded = rules.stream().filter(r -> r.kind().equals("record"))
                    .map(RuleFileText.Rule::name).collect(Collectors.toSet());
            List<String> unknown = new ArrayList<>();
            for (RuleFileText.Rule rule : rules) {
                assertThat(rule.expr()).as("expression of %s in %s", rule.name(), file).isNotBlank();
                for (String name : PromQlNames.of(rule.expr())) {
                    if (!MetricContract.allows(name) && !recorded.contains(name)) {
                        unknown.add(rule.name() + " reads " + name);
                    }
                }
            }
            assertThat(unknown).as("metrics outside the contract in %s", file).isEmpty();
        }
    }

    private List<RuleFileText.Rule> alerts() throws IOException {
        List<RuleFileText.Rule> alerts = new ArrayList<>();
        for (String file : List.of(ShopFiles.RULES, ShopFiles.DEMO_RULES)) {
            RuleFileText.rules(shop.resolve(file)).stream().filter(r -> r.kind().equals("alert")).forEach(alerts::add);
        }
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(15);
        return alerts;
    }

    private Set<String> alertNames() throws IOException {
        return alerts().stream().map(RuleFileText.Rule::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private List<Path> testFiles() throws IOException {
        try (Stream<Path> files = Files.list(shop.resolve(ShopFiles.RULE_TESTS))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".test.yml")).sorted().toList();
        }
    }
}
