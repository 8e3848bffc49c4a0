package dev.sinew.outbox;

class RelayPostgresTest extends RelayContract {
    @Override
    TestDb createDb() {
        return TestDb.postgres("relay");
    }
}
