package dev.sinew.outbox;

class CliH2Test extends CliContract {
    @Override
    TestDb createDb() {
        return TestDb.h2("cli");
    }
}
