package dev.sinew.shop.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command the shop's console runs a game day with is a working game day runner: same java,
 * same classpath, the runner's main class, attached to the shop's data dir. Checked by running it
 * for real with {@code --list} (which needs no shop) and with a bad fault (exit 2, the reason shown).
 */
class ShopConsoleGamedayTest {

    static Result run(List<String> args) throws Exception {
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }

    record Result(int code, String output) {
    }

    @Test
    void theConsolesGamedayCommandRunsTheRunnerAttachedToTheShop(@TempDir Path dir) throws Exception {
        List<String> cmd = ShopConsole.gamedayCommand(dir.resolve("shop"));
        assertThat(cmd).containsSequence("--attach", "--data-dir", dir.resolve("shop").toString());

        List<String> list = new ArrayList<>(cmd);
        list.addAll(List.of("--targets", "payment", "--faults", "freeze", "--out", dir.resolve("out").toString(), "--list"));
        Result listed = run(list);
        assertThat(listed.code()).as(listed.output()).isZero();
        assertThat(listed.output()).contains("payment").contains("freeze");

        List<String> bad = new ArrayList<>(cmd);
        bad.addAll(List.of("--targets", "payment", "--faults", "melt", "--out", dir.resolve("out").toString()));
        Result refused = run(bad);
        assertThat(refused.code()).as(refused.output()).isEqualTo(2);
        assertThat(refused.output()).contains("melt");
    }
}
