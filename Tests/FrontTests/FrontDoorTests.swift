import Testing

@testable import OrchestraFront

@Suite("Front door: connection deadlines, the connection cap, its config")
struct FrontDoorTests {
    static let door: FrontDoorConfig = {
        var door = FrontDoorConfig()
        (door.headerTimeout, door.bodyTimeout, door.idleTimeout) = (10, 60, 30)
        return door
    }()

    @Test func aConnectionWaitsIdleThenHasTheHeaderThenTheBodyTimeout() {
        var phases = ConnectionPhases(timeouts: Self.door)
        #expect(phases.opened == .after(seconds: 30))
        #expect(phases.bytesArrived() == .after(seconds: 10))
        #expect(phases.bytesArrived() == .keep, "more head bytes do not extend the header deadline")
        #expect(phases.headRead() == .after(seconds: 60))
        #expect(phases.bytesArrived() == .keep, "body bytes do not extend the body deadline")
        #expect(phases.requestRead() == .cancel)
        #expect(phases.phase == .answering)
        #expect(phases.bytesArrived() == .keep, "no deadline while the gateway answers")
        #expect(phases.answerWritten() == .after(seconds: 30))
        #expect(phases.phase == .idle)
    }

    @Test func pipelinedRequestsGoIdleOnlyAfterTheLastAnswer() {
        var phases = ConnectionPhases(timeouts: Self.door)
        _ = phases.bytesArrived()
        _ = phases.headRead()
        _ = phases.requestRead()
        _ = phases.headRead()
        _ = phases.requestRead()
        #expect(phases.answersOwed == 2)
        #expect(phases.answerWritten() == .keep)
        #expect(phases.answerWritten() == .after(seconds: 30))
    }

    @Test func aNextRequestArrivingBeforeTheAnswerEndsKeepsItsOwnDeadline() {
        var phases = ConnectionPhases(timeouts: Self.door)
        _ = phases.bytesArrived()
        _ = phases.headRead()
        _ = phases.requestRead()
        #expect(phases.headRead() == .after(seconds: 60))
        #expect(phases.answerWritten() == .keep, "the second request's body deadline stays")
        #expect(phases.phase == .body)
    }

    @Test func keepAliveRequestsMoveTheDeadlineWithoutSettingTheTimerAgain() {
        var deadline = LazyDeadline()
        #expect(deadline.set(30) == .schedule(at: 30), "a new connection's idle deadline sets the timer")
        #expect(deadline.set(11) == .schedule(at: 11), "an earlier deadline (the head's) replaces it")
        #expect(deadline.set(61) == .none, "a later one (the body's) keeps it")
        #expect(deadline.set(nil) == .none, "answering: no deadline, the timer stays")
        #expect(deadline.set(32) == .none, "idle again")
        #expect(deadline.set(13) == .none, "the next request's head is still after the timer")
        #expect(deadline.fired(now: 11) == .again(at: 13), "early: set again for what is left")
        #expect(deadline.set(nil) == .none)
        #expect(deadline.fired(now: 13) == .nothing, "no deadline runs: nothing, and no timer")
        #expect(deadline.timerAt == nil)
        #expect(deadline.set(40) == .schedule(at: 40), "with no timer left, the next deadline sets one")
        #expect(deadline.fired(now: 40) == .expired)
        #expect(deadline.deadline == nil)
    }

    @Test func theCapServesUpToItsSizeThenRefusesAndLogsOncePerEpisode() {
        var cap = ConnectionCapState(cap: 2)
        #expect(cap.accepted() == .serve)
        #expect(cap.accepted() == .serve)
        #expect(cap.accepted() == .refuse(firstOfEpisode: true))
        #expect(cap.accepted() == .refuse(firstOfEpisode: false))
        #expect(cap.open == 2)
        #expect(cap.closed() == 2, "leaving the cap reports how many were refused")
        #expect(cap.closed() == nil)
        #expect(cap.accepted() == .serve)
        #expect(cap.accepted() == .serve)
        #expect(cap.accepted() == .refuse(firstOfEpisode: true), "a new episode logs again")
    }

    @Test func theHeapIsTrimmedOnceACrowdHasGoneAndOncePerScheduledTrim() {
        var heap = HeapReturn(crowd: 3)
        for open in 1...5 { heap.opened(open: open) }
        let closes = [4, 3, 2, 1].map { heap.closed(open: $0) }
        #expect(closes == [false, false, true, false], "a trim when three have gone; the next close joins it")
        heap.trimmed(open: 1)
        #expect(heap.highWater == 1)
        let afterTrim = heap.closed(open: 0)
        #expect(!afterTrim, "measured from the new high point")
        heap.opened(open: 4)
        let newCrowd = heap.closed(open: 1)
        #expect(newCrowd, "a new crowd came and went")
    }

    @Test(arguments: [(1024, 896), (256, 128), (65536, 61440), (100, 16), (Int.max, 983_040)])
    func theDerivedCapKeepsAReserveOfDescriptors(limit: Int, cap: Int) {
        #expect(FileDescriptorLimit.connectionCap(forLimit: limit) == cap)
    }

    @Test func theDateHeaderIsInIMFFixdateForm() {
        #expect(HTTPDateCache.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDateCache.format(1_796_140_800) == "Tue, 01 Dec 2026 16:00:00 GMT")
    }

    @Test func theDoorIsConfiguredUnderServer() throws {
        let config = try ConfigLoader.parse(
            """
            [server]
            max_connections = 500
            header_timeout = 5
            body_timeout = 20
            idle_timeout = 15
            allowed_hosts = ["gateway.internal"]
            cors_origins = ["https://app.example"]
            """)
        let door = config.server.door
        #expect(door.maxConnections == 500)
        #expect((door.headerTimeout, door.bodyTimeout, door.idleTimeout) == (5, 20, 15))
        #expect(door.allowedHosts == ["gateway.internal"])
        #expect(door.corsOrigins == ["https://app.example"])
        #expect(try ConfigLoader.parse("").server.door == FrontDoorConfig())
    }
}
