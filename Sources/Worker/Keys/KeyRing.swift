/// A provider's keys, used in turn; a key the upstream throttled rests until the upstream said it
/// may be used again, and the others carry on.
struct KeyRing {
    private var restingUntil: [Double]
    private var exhausted: [Bool]
    private var next = 0

    init(count: Int) {
        restingUntil = Array(repeating: 0, count: max(1, count))
        exhausted = Array(repeating: false, count: max(1, count))
    }

    var count: Int { restingUntil.count }

    func resting(now: Double) -> Int { restingUntil.filter { $0 > now }.count }

    /// The next usable key in turn, or when the first resting key wakes.
    mutating func pick(now: Double) -> (key: Int?, wakesAt: Double?) {
        for offset in 0..<count {
            let key = (next + offset) % count
            if restingUntil[key] <= now {
                next = (key + 1) % count
                return (key, nil)
            }
        }
        return (nil, restingUntil.min())
    }

    /// `true` when every key rests because of an exhausted quota (not short throttling).
    func allExhausted(now: Double) -> Bool {
        (0..<count).allSatisfy { restingUntil[$0] > now && exhausted[$0] }
    }

    mutating func rest(_ key: Int, until: Double, exhaustedQuota: Bool) {
        guard key < count else { return }
        restingUntil[key] = max(restingUntil[key], until)
        exhausted[key] = exhaustedQuota
    }
}
