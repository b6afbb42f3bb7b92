namespace Asyncio;

/// <summary>A connection a <see cref="Server"/> accepted and keeps until it is lost: what <c>CloseClients</c>/<c>AbortClients</c> reach.</summary>
internal interface IServedConnection
{
    void Close();

    void Abort();
}
