/// Decides when the front hands freed heap back to the kernel. glibc keeps what a crowd of connections
/// allocated (about 55 KiB each at their peak, spread over every thread's arena) once they are gone: 3,000
/// connections left the front 160 MiB larger for good. `malloc_trim` returns it, and costs a pass over the
/// heap, so it runs once a crowd of at least `crowd` connections has closed since the last high point, one
/// trim at a time (the first close schedules it, `ConnectionCap.trimDelay` later; closes meanwhile join it).
struct HeapReturn: Sendable, Equatable {
    let crowd: Int
    private(set) var highWater = 0
    private(set) var scheduled = false

    init(crowd: Int = 256) {
        self.crowd = crowd
    }

    mutating func opened(open: Int) {
        highWater = max(highWater, open)
    }

    /// A connection closed; true when a trim should be scheduled now.
    mutating func closed(open: Int) -> Bool {
        guard !scheduled, highWater - open >= crowd else { return false }
        scheduled = true
        return true
    }

    /// The scheduled trim ran: the connections open now are the new high point.
    mutating func trimmed(open: Int) {
        scheduled = false
        highWater = open
    }
}
