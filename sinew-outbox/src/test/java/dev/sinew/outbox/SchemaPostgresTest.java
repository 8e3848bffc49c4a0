package dev.sinew.outbox;

class SchemaPostgresTest extends SchemaContract {
    @Override
    TestDb createDb() {
        return TestDb.postgres("schema");
    }
}
