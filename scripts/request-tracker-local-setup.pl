#!/usr/bin/perl
# Prepares the local Request Tracker for the tests and the sandbox (called by ensure-request-tracker.sh, as root):
# the handoff queue, the integration's API user with its rights and a fresh auth token, and a privileged agent.
# Prints one JSON object: { apiUser, token, agent: { login, password, id }, queue }.
use strict;
use warnings;
use lib '/usr/share/request-tracker5/lib';
use RT;
use JSON ();

my ($queue_name, $api_name, $agent_name, $agent_password) = @ARGV;
RT::LoadConfig();
RT::Init();
my $system = RT->SystemUser;

sub ok_or_die { my ($ok, $msg, $what) = @_; die "$what: $msg\n" unless $ok; }

my $queue = RT::Queue->new($system);
$queue->Load($queue_name);
unless ($queue->id) {
    ok_or_die($queue->Create(Name => $queue_name, Description => 'Conversations handed off by Botpress'), "queue $queue_name");
}

sub user {
    my (%args) = @_;
    my $user = RT::User->new($system);
    $user->Load($args{Name});
    unless ($user->id) {
        my ($id, $msg) = $user->Create(%args, Privileged => 1);
        die "user $args{Name}: $msg\n" unless $id;
    }
    $user->SetPrivileged(1) unless $user->Privileged;
    return $user;
}

sub grant {
    my ($user, $object, @rights) = @_;
    for my $right (@rights) {
        next if $user->PrincipalObj->HasRight(Right => $right, Object => $object);
        ok_or_die($user->PrincipalObj->GrantRight(Right => $right, Object => $object), "grant $right to " . $user->Name);
    }
}

my $api = user(Name => $api_name, RealName => 'Botpress', EmailAddress => "$api_name\@hitl.test");
grant($api, $queue, qw(SeeQueue CreateTicket ShowTicket ReplyToTicket ModifyTicket));
grant($api, RT->System, qw(AdminUsers));

my $agent = user(Name => $agent_name, RealName => 'Grace Hopper', EmailAddress => "$agent_name\@hitl.test");
ok_or_die($agent->SetPassword($agent_password), 'agent password') unless $agent->IsPassword($agent_password);
grant($agent, $queue, qw(SeeQueue ShowTicket ShowTicketComments ReplyToTicket CommentOnTicket ModifyTicket OwnTicket TakeTicket StealTicket));

# A fresh token each time (RT keeps only a hash of it); the earlier ones go, since RT checks a token against each of
# its owner's tokens in turn.
my $old_tokens = RT::AuthTokens->new($system);
$old_tokens->LimitOwner(VALUE => $api->id);
while (my $old = $old_tokens->Next) {
    $old->Delete if ($old->Description // '') eq 'hitl local tests';
}
my ($ok, $msg, $token) = RT::AuthToken->new($system)->Create(Owner => $api->id, Description => 'hitl local tests');
ok_or_die($ok, $msg, 'auth token');

print JSON->new->canonical->encode({
    queue => $queue_name, apiUser => $api_name, token => $token,
    agent => { login => $agent_name, password => $agent_password, id => '' . $agent->id, name => $agent->RealName },
}), "\n";
