#if canImport(Glibc)
import Glibc
#endif

/// Seconds on the monotonic clock: deadlines and backoff must not jump with the wall clock.
public enum MonotonicClock {
    public static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
