import Foundation

/// The calendar period a budget covers: a day, an ISO week (from Monday) or a month in the configured
/// time zone, or all time. Spend is kept per period start, so a new period starts from zero.
enum BudgetPeriod: String, Sendable, Equatable, Codable, CaseIterable {
    case day, week, month, total

    /// The period containing `time`: its start and the start of the next (`nil` for `total`).
    func bounds(containing time: Date, in timeZone: TimeZone) -> (start: Date, end: Date?) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.firstWeekday = 2
        calendar.minimumDaysInFirstWeek = 4
        let component: Calendar.Component
        switch self {
        case .total: return (Date(timeIntervalSince1970: 0), nil)
        case .day: component = .day
        case .week: component = .weekOfYear
        case .month: component = .month
        }
        guard let interval = calendar.dateInterval(of: component, for: time) else { return (time, nil) }
        return (interval.start, interval.end)
    }
}
