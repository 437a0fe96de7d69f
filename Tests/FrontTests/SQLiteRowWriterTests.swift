import GRDB
import Testing

@testable import OrchestraFront

@Suite("Rows bound with SQLite's C API: values, NULLs, and errors that leave the statement usable")
struct SQLiteRowWriterTests {
    @Test func rowsGoInAsBoundAndARefusedRowThrowsWithoutSpoilingTheNext() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (n INTEGER NOT NULL, s TEXT, o INTEGER)")
            var row = SQLiteRowWriter(try db.cachedStatement(sql: "INSERT INTO t (n, s, o) VALUES (?, ?, ?)"))
            row.bind(42)
            row.bind("héllo \"quoted\"")
            row.bind(nil as Int64?)
            try row.step(in: db)
            row.bind(nil as Int64?)
            row.bind("refused")
            row.bind(1)
            #expect(throws: DatabaseError.self) { try row.step(in: db) }
            row.bind(Int64.max)
            row.bind(nil as String?)
            row.bind(7)
            try row.step(in: db)
            let rows = try Row.fetchAll(db, sql: "SELECT n, s, o FROM t ORDER BY rowid")
            #expect(rows.count == 2)
            #expect(rows[0]["n"] as Int64? == 42 && rows[0]["s"] as String? == "héllo \"quoted\"" && rows[0]["o"] as Int64? == nil)
            #expect(rows[1]["n"] as Int64? == Int64.max && rows[1]["s"] as String? == nil && rows[1]["o"] as Int64? == 7)
        }
    }
}
