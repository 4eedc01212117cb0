using Xunit.Abstractions;

namespace Command.Data.Tests;

/// <summary>The contract on PostgreSQL: Orleans' ADO.NET grain storage and reminder table over our schema.</summary>
public sealed class PostgresProviderContract(ITestOutputHelper output) : ProviderContract(StorageProvider.Postgres, output);
