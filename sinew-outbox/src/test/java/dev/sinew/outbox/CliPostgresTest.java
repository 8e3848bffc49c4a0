package dev.sinew.outbox;

class CliPostgresTest extends CliContract {
    @Override
    TestDb createDb() {
        return TestDb.postgres("cli");
    }
}
