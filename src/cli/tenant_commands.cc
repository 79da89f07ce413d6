#include "cli/tenant_commands.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <limits>
#include <utility>
#include <vector>

#include "cli/escape.h"

namespace tenantdb::cli {
namespace {

constexpr const char* kTenantFooter =
    R"(Tenant names are 1-255 bytes of UTF-8 without control characters, written and printed
escaped like keys: \xNN is any byte, \\ a backslash. A name starting with '-' goes after --.
  tenantdb tenant create acme --storage-quota 10GiB --ops-quota 1000
  tenantdb tenant list --limit 20                 name, id, state, created, quotas
  tenantdb tenant show 'caf\xc3\xa9'              every field of the tenant "café"
  tenantdb tenant usage acme --from 2024-05-01    reads, writes, stored bytes per day (UTC)
  tenantdb tenant quota acme --ops 0              0 is unlimited
  tenantdb tenant delete acme --yes               deletes the tenant AND ALL ITS DATA
  tenantdb --tenant acme kv set k v               kv and shell inside one tenant
Exit status: 0 success, 1 operation failed (e.g. tenant_already_exists, tenant_locked),
2 bad usage (nothing done), 3 tenant_not_found. See docs/CLI.md.)";

constexpr const char* kNameHelp = "Tenant name, escaped: \\xNN for any byte, \\\\ a backslash";
constexpr int kDefaultUsageDays = 30;

// ---- Parsing numbers and dates -----------------------------------------------------------

// The non-negative decimal integer `text` is, if it is one that fits.
std::optional<int64_t> ParseCount(std::string_view text) {
  int64_t n = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || text[0] == '-' || ec != std::errc() || ptr != end) return std::nullopt;
  return n;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// An amount of bytes: digits and an optional unit (B; KB, MB, GB, TB: powers of 1000; KiB,
// MiB, GiB, TiB: powers of 1024; any case). Rewrites the text as the number of bytes.
CLI::Validator ByteCount() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        static const std::pair<const char*, int64_t> kUnits[] = {
            {"", 1},
            {"b", 1},
            {"kb", 1'000},
            {"mb", 1'000'000},
            {"gb", 1'000'000'000},
            {"tb", 1'000'000'000'000},
            {"kib", int64_t{1} << 10},
            {"mib", int64_t{1} << 20},
            {"gib", int64_t{1} << 30},
            {"tib", int64_t{1} << 40},
        };
        const size_t digits =
            std::find_if(text.begin(), text.end(), [](char c) { return c < '0' || c > '9'; }) -
            text.begin();
        const std::optional<int64_t> n = ParseCount(std::string_view(text).substr(0, digits));
        std::string unit = Lower(std::string_view(text).substr(digits));
        unit.erase(0, unit.find_first_not_of(' '));
        for (const auto& [name, scale] : kUnits) {
          if (!n || unit != name) continue;
          if (*n > std::numeric_limits<int64_t>::max() / scale) break;
          text = std::to_string(*n * scale);
          return {};
        }
        return fmt::format(
            "expected a number of bytes such as 1000000, 500MB or 10GiB (0: unlimited), got '{}'",
            OneLine(text));
      },
      "", "");
}

// A whole number from `min` to `max`.
CLI::Validator IntegerIn(int64_t min, int64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) -> std::string {
        const std::optional<int64_t> n = ParseCount(text);
        if (!n || *n < min || *n > max) {
          return fmt::format("expected an integer from {} to {}, got '{}'", min, max,
                             OneLine(text));
        }
        return {};
      },
      "", "");
}

using Days = std::chrono::sys_days;

// Days since the Unix epoch of `ymd`.
int64_t DayNumber(const std::chrono::year_month_day& ymd) {
  return Days(ymd).time_since_epoch().count();
}

int64_t Today() {
  return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())
      .time_since_epoch()
      .count();
}

// A date YYYY-MM-DD (UTC). Rewrites the text as days since the Unix epoch.
CLI::Validator Date() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const std::string_view t = text;
        std::optional<int64_t> y, m, d;
        if (t.size() == 10 && t[4] == '-' && t[7] == '-') {
          y = ParseCount(t.substr(0, 4));
          m = ParseCount(t.substr(5, 2));
          d = ParseCount(t.substr(8, 2));
        }
        if (y && m && d) {
          const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(*y)),
                                                std::chrono::month(static_cast<unsigned>(*m)),
                                                std::chrono::day(static_cast<unsigned>(*d))};
          if (ymd.ok()) {
            text = std::to_string(DayNumber(ymd));
            return {};
          }
        }
        return fmt::format("expected a date YYYY-MM-DD (UTC), got '{}'", OneLine(text));
      },
      "", "");
}

// ---- Printing ----------------------------------------------------------------------------

std::string DayText(int64_t day) {
  const std::chrono::year_month_day ymd{Days(std::chrono::days(day))};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

// ISO-8601 UTC to the second: 2024-05-01T12:34:56Z.
std::string TimeText(int64_t micros) {
  constexpr int64_t kMicrosPerDay = 86'400'000'000;
  int64_t day = micros / kMicrosPerDay;
  int64_t rest = micros % kMicrosPerDay;
  if (rest < 0) {
    rest += kMicrosPerDay;
    --day;
  }
  const int64_t seconds = rest / 1'000'000;
  return fmt::format("{}T{:02}:{:02}:{:02}Z", DayText(day), seconds / 3600, seconds / 60 % 60,
                     seconds % 60);
}

// "10 GiB" or "500 MB" when `bytes` is a whole number of such units, else "1234 B".
std::string BytesText(int64_t bytes) {
  static const std::pair<const char*, int64_t> kUnits[] = {
      {"TiB", int64_t{1} << 40}, {"TB", 1'000'000'000'000},
      {"GiB", int64_t{1} << 30}, {"GB", 1'000'000'000},
      {"MiB", int64_t{1} << 20}, {"MB", 1'000'000},
      {"KiB", int64_t{1} << 10}, {"KB", 1'000},
  };
  for (const auto& [unit, scale] : kUnits) {
    if (bytes != 0 && bytes % scale == 0) return fmt::format("{} {}", bytes / scale, unit);
  }
  return fmt::format("{} B", bytes);
}

std::string StorageQuotaText(int64_t bytes) { return bytes == 0 ? "unlimited" : BytesText(bytes); }

std::string OpsQuotaText(int64_t ops) { return ops == 0 ? "unlimited" : fmt::format("{}/s", ops); }

// `escaped` (from EscapeBytes) single-quoted for a POSIX shell: a quote becomes \x27.
std::string ShellQuoted(std::string_view escaped) {
  std::string out = "'";
  for (char c : escaped) {
    if (c == '\'') {
      out += "\\x27";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string Json(std::string_view bytes) { return JsonString(EscapeBytes(bytes)); }

// Prints `rows` under `header`, columns two spaces apart; the columns flagged in `right`
// (numbers) are right-aligned. No trailing blanks.
void PrintTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right) {
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "  ";
      const std::string pad(width[i] - row[i].size(), ' ');
      line += right[i] ? pad + row[i] : row[i] + (i + 1 < row.size() ? pad : "");
    }
    out << line << '\n';
  };
  print(header);
  for (const auto& row : rows) print(row);
}

// Prints "label:  value" lines with the values aligned.
void PrintFields(std::ostream& out,
                 const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& field : fields) width = std::max(width, field.first.size());
  for (const auto& [label, value] : fields) {
    out << label << ':' << std::string(width - label.size() + 2, ' ') << value << '\n';
  }
}

// The JSON object of `info`, with stored_bytes if given.
std::string InfoJson(const TenantInfo& info, std::optional<int64_t> stored_bytes) {
  std::string json = fmt::format(
      "{{\"name\":{},\"id\":{},\"state\":\"{}\",\"created\":\"{}\",\"created_micros\":{},"
      "\"prefix\":{},\"storage_quota\":{},\"ops_quota\":{},\"metadata\":{}",
      Json(info.name), info.id, TenantStateName(info.state), TimeText(info.created_micros),
      info.created_micros, Json(info.prefix), info.quota.storage_bytes, info.quota.ops_per_second,
      Json(info.metadata));
  if (stored_bytes) json += fmt::format(",\"stored_bytes\":{}", *stored_bytes);
  return json + "}\n";
}

// ---- The commands ------------------------------------------------------------------------

Outcome FromStatus(const Status& s) { return s.ok() ? Outcome::Ok() : Outcome::Failed(s); }

Outcome List(TenantDirectory& dir, const TenantCommand& c, const GlobalOptions& global,
             std::ostream& out) {
  Result<TenantPage> page = dir.List(c.after, c.limit);
  if (!page.ok()) return Outcome::Failed(page.status());
  if (global.json) {
    for (const TenantInfo& info : page->tenants) out << InfoJson(info, std::nullopt);
    if (!page->next.empty()) out << fmt::format("{{\"next\":{}}}\n", Json(page->next));
    return Outcome::Ok();
  }
  std::vector<std::vector<std::string>> rows;
  for (const TenantInfo& info : page->tenants) {
    rows.push_back({EscapeBytes(info.name), std::to_string(info.id),
                    std::string(TenantStateName(info.state)), TimeText(info.created_micros),
                    StorageQuotaText(info.quota.storage_bytes),
                    OpsQuotaText(info.quota.ops_per_second)});
  }
  PrintTable(out, {"NAME", "ID", "STATE", "CREATED", "STORAGE QUOTA", "OPS QUOTA"}, rows,
             {false, true, false, false, false, false});
  if (!page->next.empty()) {
    out << fmt::format("(more tenants: tenantdb tenant list --after {}{})\n",
                       ShellQuoted(EscapeBytes(page->next)),
                       c.limit == 100 ? "" : fmt::format(" --limit {}", c.limit));
  }
  return Outcome::Ok();
}

Outcome Show(TenantDirectory& dir, const TenantCommand& c, const GlobalOptions& global,
             std::ostream& out) {
  Result<TenantInfo> info = dir.Get(c.name);
  if (!info.ok()) return Outcome::Failed(info.status());
  Result<int64_t> stored = dir.StoredBytes(c.name);
  if (!stored.ok()) return Outcome::Failed(stored.status());
  if (global.json) {
    out << InfoJson(*info, *stored);
    return Outcome::Ok();
  }
  const TenantQuota& q = info->quota;
  PrintFields(out,
              {
                  {"name", EscapeBytes(info->name)},
                  {"id", std::to_string(info->id)},
                  {"state", std::string(TenantStateName(info->state))},
                  {"created", TimeText(info->created_micros)},
                  {"prefix", EscapeBytes(info->prefix)},
                  {"storage quota",
                   q.storage_bytes == 0
                       ? "unlimited"
                       : fmt::format("{} ({} bytes)", BytesText(q.storage_bytes), q.storage_bytes)},
                  {"ops quota", OpsQuotaText(q.ops_per_second)},
                  {"stored bytes", fmt::format("{} (estimate)", *stored)},
                  {"metadata", EscapeBytes(info->metadata)},
              });
  return Outcome::Ok();
}

Outcome Usage(TenantDirectory& dir, const TenantCommand& c, const GlobalOptions& global,
              std::ostream& out) {
  Result<std::vector<TenantUsage>> days = dir.Usage(c.name, *c.from, *c.to);
  if (!days.ok()) return Outcome::Failed(days.status());
  if (global.json) {
    for (const TenantUsage& u : *days) {
      out << fmt::format(
          "{{\"day\":\"{}\",\"reads\":{},\"writes\":{},\"bytes_read\":{},\"bytes_written\":{},"
          "\"bytes_stored\":{}}}\n",
          DayText(u.day), u.reads, u.writes, u.bytes_read, u.bytes_written,
          u.bytes_stored < 0 ? std::string("null") : std::to_string(u.bytes_stored));
    }
    return Outcome::Ok();
  }
  TenantUsage total;
  std::vector<std::vector<std::string>> rows;
  // The total row has no stored bytes (a sample per day, not a sum): "-", as a day without one.
  auto row = [](std::string day, const TenantUsage& u) {
    return std::vector<std::string>{
        std::move(day),
        std::to_string(u.reads),
        std::to_string(u.writes),
        std::to_string(u.bytes_read),
        std::to_string(u.bytes_written),
        u.bytes_stored < 0 ? std::string("-") : std::to_string(u.bytes_stored)};
  };
  for (const TenantUsage& u : *days) {
    rows.push_back(row(DayText(u.day), u));
    total.reads += u.reads;
    total.writes += u.writes;
    total.bytes_read += u.bytes_read;
    total.bytes_written += u.bytes_written;
  }
  rows.push_back(row("total", total));
  PrintTable(out, {"DAY", "READS", "WRITES", "BYTES READ", "BYTES WRITTEN", "BYTES STORED"}, rows,
             {false, true, true, true, true, true});
  return Outcome::Ok();
}

Outcome Quota(TenantDirectory& dir, const TenantCommand& c, const GlobalOptions& global,
              std::ostream& out) {
  Result<TenantInfo> info = dir.Get(c.name);
  if (!info.ok()) return Outcome::Failed(info.status());
  TenantQuota quota = info->quota;
  if (c.storage_quota || c.ops_quota) {
    quota.storage_bytes = c.storage_quota.value_or(quota.storage_bytes);
    quota.ops_per_second = c.ops_quota.value_or(quota.ops_per_second);
    return FromStatus(dir.SetQuota(c.name, quota));
  }
  if (global.json) {
    out << fmt::format("{{\"name\":{},\"storage_quota\":{},\"ops_quota\":{}}}\n", Json(c.name),
                       quota.storage_bytes, quota.ops_per_second);
  } else {
    PrintFields(out, {{"storage quota", StorageQuotaText(quota.storage_bytes)},
                      {"ops quota", OpsQuotaText(quota.ops_per_second)}});
  }
  return Outcome::Ok();
}

// Registers an option taking a value that is kept in `*target` when given.
template <typename T>
CLI::Option* AddOptional(CLI::App* app, const std::string& name, std::optional<T>& target,
                         const std::string& help) {
  return app->add_option_function<T>(
      name, [&target](const T& value) { target = value; }, help);
}

}  // namespace

void AddTenantCommands(CLI::App& app, TenantCommand& command) {
  auto chosen = [&command](TenantOp op) { return [&command, op] { command.op = op; }; };
  auto add_name = [&command](CLI::App* sub) {
    sub->add_option("name", command.name, kNameHelp)->required();
  };

  CLI::App* tenant = app.add_subcommand(
      "tenant", "Manage tenants (create, list, show, rename, lock, unlock, delete, usage, quota)");
  tenant->require_subcommand(1);
  tenant->footer(kTenantFooter);  // inherited by the subcommands added next

  CLI::App* create = tenant->add_subcommand("create", "Create a tenant, empty and active");
  add_name(create);
  AddOptional(create, "--storage-quota", command.storage_quota,
              "Limit on the estimated bytes stored: 1000000, 500MB, 10GiB... (0: unlimited)")
      ->transform(ByteCount())
      ->type_name("BYTES");
  AddOptional(create, "--ops-quota", command.ops_quota,
              "Limit on reads and writes per second (0: unlimited)")
      ->transform(IntegerIn(0, std::numeric_limits<int64_t>::max()))
      ->type_name("N");
  create
      ->add_option("--metadata", command.metadata,
                   "Bytes kept for the application, escaped like the name")
      ->type_name("TEXT");
  create->callback(chosen(TenantOp::kCreate));

  CLI::App* list = tenant->add_subcommand(
      "list", "Print tenants in name order: name, id, state, created (UTC), quotas");
  list->add_option("--after", command.after, "Start after this name (escaped)")->type_name("NAME");
  list->add_option("--limit", command.limit, "Print at most N tenants (1-10000)")
      ->check(IntegerIn(1, 10'000))
      ->type_name("N")
      ->capture_default_str();
  list->callback(chosen(TenantOp::kList));

  CLI::App* show = tenant->add_subcommand(
      "show", "Print every field of a tenant, its prefix and an estimate of its stored bytes");
  add_name(show);
  show->callback(chosen(TenantOp::kShow));

  CLI::App* rename = tenant->add_subcommand(
      "rename", "Rename tenant FROM to TO (its data, prefix and open handles are kept)");
  rename->add_option("from", command.name, "Current name (escaped)")->required();
  rename->add_option("to", command.new_name, "New name (escaped)")->required();
  rename->callback(chosen(TenantOp::kRename));

  CLI::App* lock = tenant->add_subcommand(
      "lock", "Lock a tenant: reads still work, writes fail with tenant_locked");
  add_name(lock);
  lock->callback(chosen(TenantOp::kLock));

  CLI::App* unlock = tenant->add_subcommand("unlock", "Unlock a tenant: writes work again");
  add_name(unlock);
  unlock->callback(chosen(TenantOp::kUnlock));

  CLI::App* del = tenant->add_subcommand(
      "delete",
      "Delete a tenant AND ALL ITS DATA at once, in one transaction; cannot be undone "
      "(needs --yes)");
  add_name(del);
  del->add_flag("--yes", command.yes, "Confirm: delete the tenant and all its data");
  del->callback(chosen(TenantOp::kDelete));

  CLI::App* usage = tenant->add_subcommand(
      "usage",
      "Print a tenant's reads, writes, bytes and stored bytes (the estimate sampled that day; "
      "today's as of now) per day (UTC); days without use are left out");
  add_name(usage);
  AddOptional(
      usage, "--from", command.from,
      fmt::format("First day, YYYY-MM-DD (default: {} days before --to)", kDefaultUsageDays - 1))
      ->transform(Date())
      ->type_name("DATE");
  AddOptional(usage, "--to", command.to, "Last day, YYYY-MM-DD (default: today, UTC)")
      ->transform(Date())
      ->type_name("DATE");
  usage->callback(chosen(TenantOp::kUsage));

  CLI::App* quota = tenant->add_subcommand(
      "quota", "Print a tenant's quotas, or with --storage or --ops set them (0: unlimited)");
  add_name(quota);
  AddOptional(quota, "--storage", command.storage_quota,
              "Set the storage quota: bytes, e.g. 500MB or 10GiB (0: unlimited)")
      ->transform(ByteCount())
      ->type_name("BYTES");
  AddOptional(quota, "--ops", command.ops_quota,
              "Set the quota of reads and writes per second (0: unlimited)")
      ->transform(IntegerIn(0, std::numeric_limits<int64_t>::max()))
      ->type_name("N");
  quota->callback(chosen(TenantOp::kQuota));
}

Outcome DecodeTenantName(std::string& text, std::string_view what) {
  Result<std::string> bytes = UnescapeBytes(text);
  if (!bytes.ok()) return Outcome::Usage(fmt::format("{}: {}", what, bytes.status().message()));
  if (Status s = ValidateTenantName(*bytes); !s.ok()) {
    return Outcome::Usage(fmt::format("{}: {}", what, s.ToString()));
  }
  text = std::move(bytes).value();
  return Outcome::Ok();
}

Outcome DecodeTenantCommand(TenantCommand& c) {
  switch (c.op) {
    case TenantOp::kNone:
      return Outcome::Usage("no tenant command given");
    case TenantOp::kList:
      if (c.after.empty()) return Outcome::Ok();
      return DecodeTenantName(c.after, "--after");
    case TenantOp::kRename:
      if (Outcome o = DecodeTenantName(c.name, "from"); !o.ok()) return o;
      return DecodeTenantName(c.new_name, "to");
    default:
      break;
  }
  if (Outcome o = DecodeTenantName(c.name, "name"); !o.ok()) return o;
  switch (c.op) {
    case TenantOp::kCreate: {
      Result<std::string> metadata = UnescapeBytes(c.metadata);
      if (!metadata.ok()) {
        return Outcome::Usage(fmt::format("--metadata: {}", metadata.status().message()));
      }
      c.metadata = std::move(metadata).value();
      break;
    }
    case TenantOp::kDelete:
      if (!c.yes) {
        return Outcome::Usage(fmt::format(
            "tenant delete removes tenant '{}' and all its data at once and cannot be undone; "
            "add --yes to confirm",
            EscapeBytes(c.name)));
      }
      break;
    case TenantOp::kUsage:
      if (!c.to) c.to = Today();
      if (!c.from) c.from = *c.to - (kDefaultUsageDays - 1);
      if (*c.from > *c.to) {
        return Outcome::Usage(
            fmt::format("--from {} is after --to {}", DayText(*c.from), DayText(*c.to)));
      }
      break;
    default:
      break;
  }
  return Outcome::Ok();
}

Outcome RunTenantCommand(Database& db, const TenantCommand& c, const GlobalOptions& global,
                         std::ostream& out) {
  TenantDirectory dir(db);
  switch (c.op) {
    case TenantOp::kCreate: {
      TenantCreateOptions options;
      options.quota.storage_bytes = c.storage_quota.value_or(0);
      options.quota.ops_per_second = c.ops_quota.value_or(0);
      options.metadata = c.metadata;
      return FromStatus(dir.Create(c.name, options).status());
    }
    case TenantOp::kList:
      return List(dir, c, global, out);
    case TenantOp::kShow:
      return Show(dir, c, global, out);
    case TenantOp::kRename:
      return FromStatus(dir.Rename(c.name, c.new_name));
    case TenantOp::kLock:
      return FromStatus(dir.Lock(c.name));
    case TenantOp::kUnlock:
      return FromStatus(dir.Unlock(c.name));
    case TenantOp::kDelete:
      return FromStatus(dir.Delete(c.name));
    case TenantOp::kUsage:
      return Usage(dir, c, global, out);
    case TenantOp::kQuota:
      return Quota(dir, c, global, out);
    case TenantOp::kNone:
      break;
  }
  return Outcome::Usage("no tenant command given");
}

Outcome OpenKvTarget(Database& db, const std::optional<std::string>& tenant, KvTarget& target) {
  target.db = &db;
  target.tenant.reset();
  if (!tenant) return Outcome::Ok();
  Result<Tenant> opened = TenantDirectory(db).Open(*tenant);
  if (!opened.ok()) return Outcome::Failed(opened.status());
  target.tenant = std::move(opened).value();
  return Outcome::Ok();
}

}  // namespace tenantdb::cli
