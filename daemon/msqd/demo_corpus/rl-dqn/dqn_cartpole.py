"""DQN for CartPole-v1: replay buffer, target network, epsilon-greedy."""
import random
from collections import deque

import gymnasium as gym
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ENV_ID = "CartPole-v1"
EPISODES = 500
BATCH_SIZE = 64
GAMMA = 0.99
LR = 2.5e-4
BUFFER_SIZE = 50_000
EPS_START, EPS_END, EPS_DECAY = 1.0, 0.05, 10_000
TARGET_SYNC = 500  # steps
SEED = 0

device = torch.device("cpu")  # a tiny MLP: the GPU would only add transfer overhead


class QNet(nn.Module):
    def __init__(self, obs_dim, n_actions):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(obs_dim, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                                 nn.Linear(128, n_actions))

    def forward(self, x):
        return self.net(x)


env = gym.make(ENV_ID)
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)
obs_dim, n_actions = env.observation_space.shape[0], env.action_space.n
q, q_target = QNet(obs_dim, n_actions).to(device), QNet(obs_dim, n_actions).to(device)
q_target.load_state_dict(q.state_dict())
optimizer = torch.optim.RMSprop(q.parameters(), lr=LR, alpha=0.95, eps=0.01)
buffer = deque(maxlen=BUFFER_SIZE)
steps = 0

for episode in range(EPISODES):
    obs, _ = env.reset(seed=SEED + episode)
    done, ret = False, 0.0
    while not done:
        eps = EPS_END + (EPS_START - EPS_END) * np.exp(-steps / EPS_DECAY)
        if random.random() < eps:
            action = env.action_space.sample()
        else:
            with torch.no_grad():
                action = q(torch.as_tensor(obs, dtype=torch.float32, device=device)).argmax().item()
        nxt, reward, terminated, truncated, _ = env.step(action)
        done = terminated or truncated
        buffer.append((obs, action, reward, nxt, float(terminated)))
        obs, ret, steps = nxt, ret + reward, steps + 1

        if len(buffer) >= 1_000:
            s, a, r, s2, d = map(np.array, zip(*random.sample(buffer, BATCH_SIZE)))
            s = torch.as_tensor(s, dtype=torch.float32, device=device)
            s2 = torch.as_tensor(s2, dtype=torch.float32, device=device)
            a = torch.as_tensor(a, device=device)
            r = torch.as_tensor(r, dtype=torch.float32, device=device)
            d = torch.as_tensor(d, dtype=torch.float32, device=device)
            with torch.no_grad():
                target = r + GAMMA * (1 - d) * q_target(s2).max(1).values
            loss = F.smooth_l1_loss(q(s).gather(1, a[:, None]).squeeze(1), target)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if steps % TARGET_SYNC == 0:
            q_target.load_state_dict(q.state_dict())
    if episode % 20 == 0:
        print(f"episode {episode} return {ret:.0f} eps {eps:.2f}")

torch.save(q.state_dict(), "dqn_cartpole.pt")
env.close()
