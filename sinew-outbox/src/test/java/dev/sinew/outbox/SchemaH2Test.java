package dev.sinew.outbox;

class SchemaH2Test extends SchemaContract {
    @Override
    TestDb createDb() {
        return TestDb.h2("schema");
    }
}
